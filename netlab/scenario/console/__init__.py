"""The on-call console: ``netlab scenario run`` as a drill session and its terminal.

* :mod:`~netlab.scenario.console.session` — the session state machine (no terminal);
* :mod:`~netlab.scenario.console.actions` — what each command does;
* :mod:`~netlab.scenario.console.commands` — the command table, help and completion;
* :mod:`~netlab.scenario.console.network` — the faulted network plus the trainee's edits;
* :mod:`~netlab.scenario.console.editing` — configs edited in ``$EDITOR``, never lost;
* :mod:`~netlab.scenario.console.views` — the plain-text tables it prints;
* :mod:`~netlab.scenario.console.record` — the timeline and the finished attempt;
* :mod:`~netlab.scenario.console.ui` — the prompt_toolkit REPL.
"""

from netlab.scenario.console.record import ConsoleAttempt, Entry, EventKind, Source
from netlab.scenario.console.reply import CommandError, Reply, SessionStatus
from netlab.scenario.console.session import Session

__all__ = ["CommandError", "ConsoleAttempt", "Entry", "EventKind", "Reply", "Session",
           "SessionStatus", "Source"]
