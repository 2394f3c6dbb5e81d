"""`cyberdrill log ...` and `cyberdrill keys generate`: the auditor's door to an exercise journal."""

from __future__ import annotations

import sys

import click

from simulator.cli import cli
from simulator.cli.output import fail, given_path, print_json, refuse_overwriting_inputs, usage_error, write_atomic, write_or_fail
from simulator.journal.keys import generate_keypair, key_fingerprint, load_private_key, load_public_key
from simulator.journal.verify import VerifyResult, verify_journal
from simulator.model.diagnostics import InputError


@cli.group("log")
def log() -> None:
    """Exercise journals: verify, replay, report, export, what-if and view them."""


@log.command("verify")
@click.argument("journal", metavar="LOG", type=click.Path(), callback=given_path)
@click.option(
    "--pubkey", "pubkey_path", metavar="FILE", type=click.Path(), callback=given_path, help="Check the seal's Ed25519 signature with this public key (PEM)."
)
@click.option(
    "--scenario",
    "scenario_path",
    metavar="FILE",
    type=click.Path(), callback=given_path,
    help="Check this scenario file is the one the exercise ran (its SHA-256 is in the header).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print {file, ok, sealed, records, head, signature, error} as JSON."
)
def verify(journal: str, pubkey_path: str | None, scenario_path: str | None, as_json: bool) -> None:
    """Check a journal's hash chain, seal and (with --pubkey) signature.

    Exit 0 when intact and sealed, 1 when tampered, cut short or wrongly signed (the first bad
    line is named), 2 when LOG is not a journal or a key/scenario file cannot be used.
    """
    try:
        pubkey = load_public_key(pubkey_path) if pubkey_path else None
        result = verify_journal(journal, pubkey=pubkey, scenario_path=scenario_path)
    except InputError as exc:
        fail(exc)
    if as_json:
        print_json(_as_json(result))
    elif result.ok:
        click.echo(f"{journal}: intact, sealed, {result.records} records, head {result.head}")
        click.echo(_signature_line(result))
    else:
        diag = result.diagnostic()
        if diag is not None:
            click.echo(diag.format(), err=True)
    sys.exit(result.exit_code)


def _signature_line(result: VerifyResult) -> str:
    if result.signature_valid:
        return f"signature valid (key {result.key_fingerprint})"
    if result.signed:
        return f"signed (key {result.key_fingerprint}), signature not checked: pass --pubkey FILE to check it"
    return "not signed"


def _as_json(result: VerifyResult) -> dict:
    signature = None
    if result.signed:
        signature = {"key": result.key_fingerprint, "valid": result.signature_valid}
    error = None if result.ok else {"line": result.first_bad_line, "reason": result.reason, "kind": result.kind}
    return {
        "file": result.file,
        "ok": result.ok,
        "sealed": result.sealed,
        "records": result.records,
        "head": result.head,
        "signature": signature,
        "error": error,
    }


@cli.group("keys")
def keys() -> None:
    """Ed25519 keys that sign journal seals."""


@keys.command("generate")
@click.option("--out", "out_dir", required=True, metavar="DIR", help="Folder for the key pair (created if missing).", type=click.Path(), callback=given_path)
def generate(out_dir: str) -> None:
    """Create a signing key pair: keep the private key secret, give auditors the public one."""
    try:
        private_path, public_path = generate_keypair(out_dir)
        fingerprint = key_fingerprint(load_private_key(private_path).public_key())
    except InputError as exc:
        fail(exc)
    click.echo(f"private key: {private_path} (mode 0600, keep it secret)")
    click.echo(f"public key:  {public_path}")
    click.echo(f"fingerprint: {fingerprint}")


# ---------------------------------------------------------------------------------------------
# Replay, what-if, report, export: the auditor's and the debrief's tools on a journal.


def _journal_call(fn, *args, **kwargs):
    """Run a journal operation: bad input exits 2, a journal that fails its checks exits 1."""
    from simulator.journal.replay import JournalFailure
    from simulator.model.diagnostics import Diagnostic

    try:
        return fn(*args, **kwargs)
    except InputError as exc:
        fail(exc)
    except JournalFailure as exc:
        fail([exc.diagnostic], code=exc.exit_code)
    except IsADirectoryError:
        fail([Diagnostic(str(args[0]) if args else "", 1, 1, "error", "is a folder, not a journal")])
    except OSError as exc:
        fail([Diagnostic(str(args[0]) if args else "", 1, 1, "error", f"cannot read: {exc.strerror or exc}")])


_scenario_option = click.option(
    "--scenario", "scenario_path", metavar="FILE", type=click.Path(), callback=given_path, help="The scenario file played (default: found by the name and SHA-256 in the header)."
)
_policy_option = click.option(
    "--policy", "policy_path", metavar="FILE", type=click.Path(), callback=given_path, help="The policy file of a headless run (default: found like the scenario)."
)


@log.command("replay")
@click.argument("journal", metavar="LOG", type=click.Path(), callback=given_path)
@_scenario_option
@_policy_option
@click.option("--json", "as_json", is_flag=True, help="Print {file, identical, sealed, records, events_checked, commands, end, head, error} as JSON.")
def replay(journal: str, scenario_path: str | None, policy_path: str | None, as_json: bool) -> None:
    """Re-run the engine from LOG's header and commands and check every recorded event.

    Exit 0 when the replay is identical, 1 at the first divergent record (its line, what the
    journal says and what the engine produces) or when LOG fails verification, 2 when LOG is
    not a journal or its scenario cannot be found.
    """
    from simulator.journal.replay import replay_journal
    from simulator.model.duration import format_offset

    report, _ex = _journal_call(replay_journal, journal, scenario=scenario_path, policy=policy_path)
    if as_json:
        print_json(report.to_json())
    elif report.identical:
        sealed = "sealed" if report.sealed else "NOT sealed (the intact records were checked)"
        click.echo(
            f"{journal}: identical: {report.events_checked} events checked, {report.commands} commands replayed, "
            f"ends at {format_offset(report.end_t)}, {sealed}"
        )
    else:
        assert report.failure is not None
        click.echo(report.failure.diagnostic.format(), err=True)
    sys.exit(0 if report.identical else 1)


def _parse_at(text: str) -> float:
    from simulator.model.diagnostics import Diagnostic
    from simulator.model.duration import DurationError, parse_offset

    try:
        return float(parse_offset(text))
    except DurationError as exc:
        fail([Diagnostic("--at", 1, 1, "error", str(exc))])


@log.command("whatif")
@click.argument("journal", metavar="LOG", type=click.Path(), callback=given_path)
@click.option("--at", "at_text", required=True, metavar="TIME", help="When the alternative is given: T+2h, T+1d6h, 45m.")
@click.option("--do", "commands", multiple=True, required=True, metavar="COMMAND", help="Alternative command, as typed in the crisis room ('isolate zone:servers'); repeatable.")
@click.option("--drop-later", is_flag=True, help="Drop the commands recorded after --at (default: they are replayed at their times; those the change refuses or alters are listed).")
@click.option("--keep-later", is_flag=True, hidden=True, help="The default now (kept for scripts).")
@_scenario_option
@_policy_option
@click.option("--json", "as_json", is_flag=True, help="Print both outcomes and their differences as JSON.")
def whatif(
    journal: str, at_text: str, commands: tuple[str, ...], drop_later: bool, keep_later: bool,
    scenario_path: str | None, policy_path: str | None, as_json: bool,
) -> None:
    """Replay LOG up to --at, give the --do commands there, replay the commands recorded after
    it at their times, run to the end with the same seed, and compare the outcome with the real
    run: the same exercise with one decision changed.

    Later commands the change makes impossible are refused by the engine and listed with the
    reason, as are those it makes possible or whose effect it changes. --drop-later drops them.
    """
    from simulator.journal.whatif import what_if

    if drop_later and keep_later:
        usage_error("--drop-later", "give --drop-later or --keep-later, not both")
    at = _parse_at(at_text)
    result = _journal_call(what_if, journal, at, list(commands), keep_later=not drop_later, scenario=scenario_path, policy=policy_path)
    if as_json:
        print_json(result.to_json())
        return
    _print_whatif(result)


def _effect(fate: dict) -> str:
    """One run's outcome of a later command, in a few words."""
    from simulator.model.duration import format_offset

    if not fate.get("accepted"):
        return f"refused ({fate.get('reason', '')})"
    parts = ["accepted"]
    if fate.get("detail"):
        parts.append(str(fate["detail"]))
    if "done_at" in fate:
        parts.append(f"done at {format_offset(fate['done_at'])}" if fate["done_at"] is not None else "not done by the end")
    return ", ".join(parts)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _print_whatif(result) -> None:
    from rich.console import Console
    from rich.table import Table

    from simulator.model.duration import format_offset

    console = Console()
    if result.keep_later:
        s = result.later_summary()
        later = (
            f"{s['replayed']} recorded command(s) after it replayed: {s['refused']} refused because of the change, "
            f"{s['accepted']} accepted only because of it, {s['changed']} with another effect"
        )
    else:
        later = f"{result.dropped} recorded command(s) after it dropped"
    console.print(f"[bold]What if[/bold] at {format_offset(result.at)}: {'; '.join(result.alternatives)}  ({later})", markup=True, highlight=False)
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    for r in result.results:
        if not r["accepted"]:
            console.print(f"  [yellow]refused[/yellow] {r['command']}: {r['reason']}", highlight=False)
    for item in result.later:
        if item["change"] == "same":
            continue
        real, alt = item["real"] or {}, item["whatif"] or {}
        where = f"line {item['line']}, {format_offset(item['t'])}, {item['command']}"
        if item["change"] == "refused":
            console.print(f"  [yellow]refused after the change[/yellow] ({where}): {alt.get('reason', '')}", highlight=False)
        elif item["change"] == "accepted":
            console.print(f"  [cyan]accepted only after the change[/cyan] ({where}; refused in the real run: {real.get('reason', '')})", highlight=False)
        else:
            console.print(f"  [cyan]another effect[/cyan] ({where}): {_effect(real)} -> {_effect(alt)}", highlight=False)
    table = Table(title=f"Real run (to {format_offset(result.real.end)}) vs what-if (to {format_offset(result.whatif.end)})")
    table.add_column("indicator")
    table.add_column("real", justify="right")
    table.add_column("what-if", justify="right")
    table.add_column("difference", justify="right")
    for key, real, alt, delta in result.rows():
        if key == "recovered_at":
            real, alt = (format_offset(v) if isinstance(v, (int, float)) else v for v in (real, alt))
            delta = None if real == alt else "changed"
        if isinstance(delta, (int, float)) and not isinstance(delta, bool):
            text = "=" if delta == 0 else (f"+{_cell(delta)}" if delta > 0 else _cell(delta))
        else:
            text = "=" if delta is None else str(delta)
        table.add_row(key, _cell(real), _cell(alt), text)
    console.print(table)


def _write_output(out_path: str, text: str) -> None:
    write_or_fail(out_path, lambda: write_atomic(out_path, text))


_lang_option = click.option(
    "--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True, help="Language of the report."
)


@log.command("report")
@click.argument("journal", metavar="LOG", type=click.Path(), callback=given_path)
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True, help="One self-contained HTML file, or Markdown.")
@_lang_option
@click.option("-o", "--output", "out_path", required=True, metavar="FILE", help="Where to write the report (written atomically).", type=click.Path(), callback=given_path)
@_scenario_option
@_policy_option
@click.option("--registry", "use_registry", is_flag=True, help="Add the follow-up of the previous exercise's improvement items (from the registry).")
@click.option("--db", "db", metavar="PATH", callback=given_path, help="The registry database for the follow-up (implies --registry).")
def report(journal: str, fmt: str, lang: str, out_path: str, scenario_path: str | None, policy_path: str | None, use_registry: bool, db: str | None) -> None:
    """Write the after-action report (HSEEP AAR/IP, ANSSI RETEX) of the exercise in LOG.

    Computed from the journal alone: verified, then replayed for the state over time.
    A journal cut short (no seal) is reported up to its last whole line and marked
    NOT sealed in the report. Exit 1 when LOG is tampered with or does not replay,
    2 on bad input.
    """
    from simulator.report.data import build_report
    from simulator.report.render import render_html, render_markdown

    data = _journal_call(build_report, journal, lang, scenario=scenario_path, policy=policy_path)
    refuse_overwriting_inputs(out_path, data.sources)
    if use_registry or db:
        from simulator.registry.db import Registry
        from simulator.registry.store import followup

        try:
            with Registry.open(db, create=False) as reg:
                refuse_overwriting_inputs(out_path, (str(reg.path),))
                data.followup = followup(reg, data)
        except InputError as exc:
            fail(exc)
    text = render_html(data) if fmt == "html" else render_markdown(data)
    _write_output(out_path, text)
    note = "" if data.integrity_ok else " (journal NOT sealed: the recorded part only)"
    click.echo(f"{out_path}: {fmt} report, {len(data.rows)} timeline rows, {len(data.plan)} improvement item(s){note}", err=True)


@log.command("export")
@click.argument("journal", metavar="LOG", type=click.Path(), callback=given_path)
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True, help="csv: the timeline for spreadsheets.")
@_lang_option
@click.option("-o", "--output", "out_path", required=True, metavar="FILE", help="Where to write (written atomically).", type=click.Path(), callback=given_path)
@click.option("--excel", is_flag=True, help="';' separators and a UTF-8 byte-order mark, for Excel in a French locale.")
@_scenario_option
@_policy_option
def export(journal: str, fmt: str, lang: str, out_path: str, excel: bool, scenario_path: str | None, policy_path: str | None) -> None:
    """Export the exercise timeline of LOG (the report's chronology) as CSV."""
    from simulator.report.data import build_report
    from simulator.report.render import timeline_csv

    data = _journal_call(build_report, journal, lang, scenario=scenario_path, policy=policy_path)
    refuse_overwriting_inputs(out_path, data.sources)
    _write_output(out_path, timeline_csv(data, excel=excel))
    click.echo(f"{out_path}: {len(data.rows)} timeline rows", err=True)
