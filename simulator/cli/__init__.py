"""The `cyberdrill` command line: parses, calls the layers below, prints. No logic of its own.

Each command (or group) lives in its own module and registers on `cli` when imported. The
modules are imported only when their command runs: `cyberdrill --help`, `--version` and
shell completion stay fast, and a command pays only for what it uses (bench/cli_startup.py).
To add a command: write `simulator/cli/NAME.py` with `@cli.command("NAME")`, then add one
line to COMMANDS (a test checks the short help there matches the command's own).
"""

from __future__ import annotations

import importlib
import sys

import click

from simulator import __version__

COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    # name: (modules that define it and its subcommands, its short help at 80 columns for --help)
    "attack": (("simulator.cli.attack",), "MITRE ATT&CK views of a scenario's threat."),
    "batch": (("simulator.cli.batch",), "Run SCENARIO for many seeds and summarise each KPI (mean,..."),
    "guide": (("simulator.cli.guide",), "Write the kit of SCENARIO to --out."),
    "host": (("simulator.cli.room",), "Host one exercise for a whole room: one engine, one journal,..."),
    "keys": (("simulator.cli.log",), "Ed25519 keys that sign journal seals."),
    "lint": (("simulator.cli.lint",), "Check scenarios for injects that never fire, untested..."),
    "join": (("simulator.cli.room",), "Take a seat in a hosted exercise: the crisis-room UI as a..."),
    "log": (("simulator.cli.log", "simulator.cli.play"), "Exercise journals: verify, replay, report, export, what-if and..."),
    "msel": (("simulator.cli.msel",), "The MSEL as a spreadsheet (.xlsx or .csv), both ways."),
    "network": (("simulator.cli.network",), "Inspect, export and generate hospital network files."),
    "play": (("simulator.cli.play",), "Open the crisis-room UI: the home screen, or SCENARIO's..."),
    "registry": (("simulator.cli.registry",), "The establishment's exercise history: exercises, ratings,..."),
    "resume": (("simulator.cli.resume",), "Carry on the interrupted exercise recorded in LOG and seal it..."),
    "run": (("simulator.cli.run",), "Play SCENARIO without a crisis cell: the policy takes the..."),
    "scenarios": (("simulator.cli.scenarios",), "List the shipped scenarios; any command taking a SCENARIO file..."),
    "schema": (("simulator.cli.files",), "Print the JSON Schema (draft-07) of a file kind: network,..."),
    "validate": (("simulator.cli.files",), "Check network, scenario, policy and variant files (files or..."),
}

LANG_OPTIONS = {"play": {}, "guide": {}, "scenarios": {}, "host": {}, "join": {}, "network": {"show": {}}, "log": {"report": {}, "view": {}}}
"""Commands with their own --lang: the top-level --lang becomes their default (their own --lang wins)."""


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            for module in COMMANDS[name][0]:
                importlib.import_module(module)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            loaded = self.commands.get(name)
            if loaded is not None:
                if loaded.hidden:
                    continue
                rows.append((name, loaded.get_short_help_str(formatter.width - 6 - max(len(n) for n in self.list_commands(ctx)))))
            else:
                rows.append((name, COMMANDS[name][1]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _with_lang(defaults: dict, lang: str) -> dict:
    return {name: (_with_lang(sub, lang) if sub else {"lang": lang}) for name, sub in defaults.items()}


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="cyberdrill")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None, help="Language of every command that has a --lang (the command's own --lang wins).")
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """CyberDrill: cyber crisis exercises for hospitals.

    With no command, opens the crisis-room terminal UI on the shipped scenarios.
    Shell completion: see docs/install.md (eval "$(_CYBERDRILL_COMPLETE=bash_source cyberdrill)").
    """
    ctx.obj = {"lang": lang}
    if lang is not None:
        ctx.default_map = _with_lang(LANG_OPTIONS, lang)
    if ctx.invoked_subcommand is None:
        home = cli.get_command(ctx, "play")
        if home is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(home, **({"lang": lang} if lang else {}))


def _load_commands() -> None:
    """Import every command module (tests, and anything that walks the whole command tree)."""
    for modules, _help in COMMANDS.values():
        for name in modules:
            importlib.import_module(name)


def main(argv: list[str] | None = None) -> None:
    # Not click's standalone mode: it turns Ctrl+C into "Aborted!" and exit 1, where a
    # terminal user (and a script) expects 130, the shell's code for an interrupted command.
    from simulator.cli.interrupt import watch

    try:
        with watch():
            code = cli.main(args=argv, prog_name="cyberdrill", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
