"""The ``netlab`` command.

Every sub-command lives in a module of this package named for what it does
and is attached to :data:`cli` in :func:`_register`. Errors derived from
:class:`~netlab.errors.NetlabError` become one line on stderr and exit code 2;
``--debug`` shows the traceback instead.
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

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except NetlabError as exc:
            state = ctx.find_object(State)
            if state is not None and state.debug:
                raise
            fail(str(exc))


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
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code in (1, 2) else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except NetlabError as exc:
        if debug:
            raise
        fail(str(exc))
    except KeyboardInterrupt:
        click.echo("netlab: interrupted", err=True)
        sys.exit(130)
