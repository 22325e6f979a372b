"""The terminal front end of a drill: a prompt_toolkit REPL over a :class:`Session`.

It reads lines (with history and readline-style Tab completion — the common
part is inserted, a second Tab lists the choices — of commands, routers,
interfaces, root-cause labels and, while connected, the router's own show
commands), asks the confirmations the session names, prints each reply and
keeps a bottom toolbar up to date every second: the drill's title, the
simulated clock, the time used against the limit, the open alerts and the
router connected to. Ctrl-C and Ctrl-D ask before quitting; quitting without
submitting ends the attempt as abandoned. Everything else is the session's.
"""

from __future__ import annotations

from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.shortcuts import CompleteStyle, print_formatted_text
from prompt_toolkit.styles import Style

from netlab.scenario.console.commands import complete
from netlab.scenario.console.reply import Reply, SessionStatus
from netlab.scenario.console.session import Session

__all__ = ["ConsoleCompleter", "run_console", "toolbar"]

STYLE = Style.from_dict({
    "bottom-toolbar": "noreverse bg:#1f3a93 #ffffff",
    "toolbar.alerts": "bg:#d62728 #ffffff bold",
    "toolbar.late": "bg:#ff7f0e #000000 bold",
    "title": "bold",
    "error": "#d62728",
})


class ConsoleCompleter(Completer):
    """Tab completion from :func:`netlab.scenario.console.commands.complete`."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get_completions(self, document: Document, complete_event: CompleteEvent
                        ) -> list[Completion]:
        word = document.get_word_before_cursor(WORD=True)
        found = complete(self.session, document.text_before_cursor, self.session.connected)
        return [Completion(c, start_position=-len(word)) for c in found]


def _mmss(minutes: float) -> str:
    seconds = int(max(0.0, minutes) * 60)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def toolbar(session: Session) -> FormattedText:
    """The bottom toolbar: title, clock, time used, open alerts, connection."""
    minute = session.minute()
    used = session.minutes_elapsed
    late = used > session.time_limit
    count = len(session.open_alerts())
    parts: list[tuple[str, str]] = [
        ("class:bottom-toolbar", f" {session.drill.spec.title} │ "
                                 f"{session.clock_time(minute):%H:%M:%S} UTC │ "),
        ("class:toolbar.late" if late else "class:bottom-toolbar",
         f" {_mmss(used)} of {session.time_limit:.0f}:00 "),
        ("class:bottom-toolbar", " │ "),
        ("class:toolbar.alerts" if count else "class:bottom-toolbar",
         f" {count} open alert{'s' * (count != 1)} "),
    ]
    if session.connected is not None:
        parts.append(("class:bottom-toolbar", f" │ on {session.connected} "))
    return FormattedText(parts)


def _print(reply: Reply, output: Output | None) -> None:
    if not reply.text:
        return
    style = "" if reply.ok else "class:error"
    print_formatted_text(FormattedText([(style, reply.text)]), style=STYLE, output=output)


def _ask(question: str, input_: Input | None, output: Output | None) -> bool:
    """A yes/no question; Ctrl-C or Ctrl-D answer no."""
    asker: PromptSession[str] = PromptSession(input=input_, output=output)
    try:
        answer = asker.prompt(f"{question} [y/N] ")
    except (KeyboardInterrupt, EOFError):
        return False
    return answer.strip().lower() in ("y", "yes")


def _banner(session: Session, output: Output | None) -> None:
    spec = session.drill.spec
    paged = session.clock_time(session.page_minute)
    text = FormattedText([
        ("class:title", f"{spec.title}\n"),
        ("", f"{spec.brief.strip()}\n\n"),
        ("", f"Paged at {paged:%H:%M:%S} UTC; time limit {spec.time_limit_minutes} min; "
             f"{len(spec.hints)} hints. Type 'help' for the commands; Tab completes.\n"),
    ])
    print_formatted_text(text, style=STYLE, output=output)


def run_console(session: Session, *, history_file: Path | None = None,
                input_: Input | None = None, output: Output | None = None) -> None:
    """Run the REPL until the trainee submits or quits (see the module docstring)."""
    history: History = InMemoryHistory()
    if history_file is not None:
        history_file.parent.mkdir(parents=True, exist_ok=True)
        history = FileHistory(str(history_file))
    prompter: PromptSession[str] = PromptSession(
        history=history, completer=ConsoleCompleter(session),
        complete_style=CompleteStyle.READLINE_LIKE, complete_while_typing=False,
        bottom_toolbar=lambda: toolbar(session), refresh_interval=1.0, style=STYLE,
        input=input_, output=output)
    _banner(session, output)
    while session.status is SessionStatus.RUNNING:
        try:
            line = prompter.prompt(session.prompt)
        except (KeyboardInterrupt, EOFError):
            if _ask("Quit without submitting? The attempt is recorded as abandoned.",
                    input_, output):
                _print(session.execute("quit"), output)
            continue
        question = session.confirmation(line)
        if question is not None and not _ask(question, input_, output):
            _print(Reply("(not done)"), output)
            continue
        _print(session.execute(line), output)
