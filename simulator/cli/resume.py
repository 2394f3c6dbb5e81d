"""`cyberdrill resume LOG`: carry on an exercise whose process died, from its journal.

Nothing the room decided is lost: the commands were fsynced as they were given. The engine
is rebuilt by replaying them (every recorded event is checked on the way) and the journal
goes on from its last complete record, in the same hash chain.
"""

from __future__ import annotations

import importlib

import click

from simulator.cli import cli
from simulator.cli.output import given_path, print_json
from simulator.cli.log import _journal_call
from simulator.model.duration import format_offset

TUI_ENTRY = ("simulator.tui.app", "resume_exercise")
"""The terminal UI's resume entry point, `resume_exercise(log_path, sign_key=None)`, when it is installed."""


def _tui_entry():
    module_name, attr = TUI_ENTRY
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None
        raise
    return getattr(module, attr, None)


@cli.command("resume")
@click.argument("journal", metavar="LOG", type=click.Path(), callback=given_path)
@click.option("--sign-key", "sign_key", metavar="FILE", help="Sign the seal with this Ed25519 private key when the exercise ends.", type=click.Path(), callback=given_path)
@click.option("--headless", is_flag=True, help="For an interactive exercise: no terminal UI, play on to the end of the window with no further commands.")
@click.option("--scenario", "scenario_path", metavar="FILE", help="The scenario file played (default: found by the name and SHA-256 in the header).", type=click.Path(), callback=given_path)
@click.option("--policy", "policy_path", metavar="FILE", help="The policy file of a headless run (default: found like the scenario).", type=click.Path(), callback=given_path)
@click.option("--json", "as_json", is_flag=True, help="Headless runs: print the run's result as `run --json` does.")
def resume(journal: str, sign_key: str | None, headless: bool, scenario_path: str | None, policy_path: str | None, as_json: bool) -> None:
    """Carry on the interrupted exercise recorded in LOG and seal it when it ends.

    A run from `run --log` is finished as it would have been (same policy, same end). An
    interactive exercise reopens in the terminal UI; with --headless, or when the UI is not
    installed, it is played on to the end of the exercise window with no further commands.
    Exit 1 when LOG fails verification or does not replay identically, 2 on bad input.
    """
    from simulator.journal.headless_log import resume_logged
    from simulator.journal.keys import load_private_key
    from simulator.journal.replay import HEADLESS, load_journal

    key = _journal_call(load_private_key, sign_key) if sign_key else None
    recorded = _journal_call(load_journal, journal)
    if recorded.sealed:
        from simulator.cli.output import fail
        from simulator.model.diagnostics import Diagnostic

        line = recorded.seal[0] if recorded.seal else 1
        fail([Diagnostic(journal, line, 1, "error", "journal is sealed: the exercise is closed, nothing to resume")])
    if recorded.mode != HEADLESS and not headless:
        entry = _tui_entry()
        if entry is not None:
            _journal_call(entry, journal, sign_key=key)
            return
        click.echo("the terminal UI is not available: resuming headless (no further commands from the cell)", err=True)
    result, rec = _journal_call(resume_logged, journal, sign_key=key, scenario=scenario_path, policy=policy_path)
    if as_json and result is not None:
        print_json(result.to_json(), sort_keys=True)
        return
    dropped = " (a partial last line was dropped)" if recorded.dropped_partial_line else ""
    click.echo(
        f"{journal}: resumed after record {rec.resumed_from}{dropped}; ran to {format_offset(rec.exercise.now)}; "
        f"sealed{' and signed' if key is not None else ''}, {rec.records} records, head {rec.head_hash}"
    )
