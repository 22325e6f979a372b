"""The ``netlab`` command.

Every sub-command lives in a module of this package named for what it does
and is attached to :data:`cli` in :func:`_register`. Errors derived from
:class:`~netlab.errors.NetlabError`, click's usage errors (a bad option value,
an unknown option) and OS errors (an unwritable output) become one line on
stderr, ``netlab: error: ...``, and exit code 2; ``--debug`` shows the
traceback instead.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from netlab import __version__
from netlab.cli.common import State, fail
from netlab.errors import NetlabError

__all__ = ["NetlabGroup", "cli", "main"]


class NetlabGroup(click.Group):
    """The top-level group: any NetlabError below it becomes one line and exit 2.

    Handling it here, not only in :func:`main`, gives every sub-command the
    same behaviour when invoked through click's test runner or another program.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            fail(_usage_line(exc))

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (NetlabError, click.ClickException, OSError) as exc:
            state = ctx.find_object(State)
            if (state is not None and state.debug) or _broken_pipe(exc):
                raise
            if isinstance(exc, click.UsageError):
                fail(_usage_line(exc))
            if isinstance(exc, click.ClickException):
                fail(exc.format_message())
            if isinstance(exc, OSError):
                fail(_os_error_line(exc))
            fail(str(exc))


def _usage_line(exc: click.UsageError) -> str:
    """Click's usage error as one line, pointing at the command's ``--help``."""
    message = exc.format_message().strip().rstrip(".")
    if exc.ctx is None:
        return message
    return f"{message} (see '{exc.ctx.command_path} --help')"


def _os_error_line(exc: OSError) -> str:
    """``file: reason`` for an OS error (a read-only directory, a full disk, ...)."""
    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return reason[:1].lower() + reason[1:]
    return f"{exc.filename}: {reason[:1].lower() + reason[1:]}"


def _broken_pipe(exc: BaseException) -> bool:
    """Output piped into ``head``: click's own handling exits quietly."""
    return isinstance(exc, BrokenPipeError)


@click.group(cls=NetlabGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="netlab")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """netlab: a skills lab for backbone on-call engineers."""
    ctx.obj = State(debug=debug)


def _register() -> None:
    from netlab.cli import analyze, engine, fault, lab, progress, render, topology

    for module in (topology, lab, render, fault, engine, analyze, progress):
        for command in module.COMMANDS:
            cli.add_command(command)
    from netlab.cli.scenario import scenario  # its extensions (the console's run) attach to it
    cli.add_command(scenario)


_register()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="netlab", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("netlab: aborted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        fail(_usage_line(exc))
    except click.ClickException as exc:
        fail(exc.format_message())
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except NetlabError as exc:
        if debug:
            raise
        fail(str(exc))
    except KeyboardInterrupt:
        click.echo("netlab: interrupted", err=True)
        sys.exit(130)
