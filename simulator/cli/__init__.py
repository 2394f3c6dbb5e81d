"""The `cyberdrill` command line: parses, calls the layers below, prints. No logic of its own.

Each command group lives in its own module and registers on `cli`.
"""

from __future__ import annotations

import importlib
import sys

import click

from simulator import __version__

# Modules that add commands to `cli`; each one owns its group.
COMMAND_MODULES = [
    "simulator.cli.files",
    "simulator.cli.network",
    "simulator.cli.log",
    "simulator.cli.run",
    "simulator.cli.lint",
    "simulator.cli.guide",
    "simulator.cli.resume",
    "simulator.cli.play",
    "simulator.cli.batch",
    "simulator.cli.scenarios",
    "simulator.cli.room",
    "simulator.cli.registry",
]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="cyberdrill")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """CyberDrill: cyber crisis exercises for hospitals.

    With no command, opens the crisis-room terminal UI on the shipped scenarios.
    """
    if ctx.invoked_subcommand is None:
        home = cli.get_command(ctx, "play")
        if home is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(home)


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def main(argv: list[str] | None = None) -> None:
    # Not click's standalone mode: it turns Ctrl+C into "Aborted!" and exit 1, where a
    # terminal user (and a script) expects 130, the shell's code for an interrupted command.
    try:
        _load_commands()
        code = cli.main(args=argv, prog_name="cyberdrill", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
