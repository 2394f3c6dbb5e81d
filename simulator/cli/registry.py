"""`cyberdrill registry ...`: the establishment's exercises and the follow-up of their improvement plans."""

from __future__ import annotations

import datetime as dt

import click

from simulator.cli import cli
from simulator.cli.output import fail, given_path, print_json, refuse_overwriting_inputs, write_atomic, write_or_fail
from simulator.model.diagnostics import Diagnostic, InputError


def _open(ctx: click.Context, *, create: bool = False):
    from simulator.registry.db import Registry

    try:
        return Registry.open(ctx.obj["db"], create=create)
    except InputError as exc:
        fail(exc)


def _missing(ctx: click.Context) -> bool:
    """No registry file yet: listing commands print that it is empty (nothing is created)."""
    from pathlib import Path

    from simulator.registry.db import default_path

    path = Path(ctx.obj["db"]) if ctx.obj["db"] else default_path()
    return not path.exists()


def _L(ctx: click.Context, key: str, **kw) -> str:
    from simulator.i18n import t

    return t("registry." + key, ctx.obj["lang"], **kw)


def _date(param: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail([Diagnostic(param, 1, 1, "error", f"'{value}' is not a date: give YYYY-MM-DD")])


@cli.group("registry")
@click.option("--db", "db", metavar="PATH", type=click.Path(), callback=given_path, help="Registry database (default: registry.sqlite3 in the user data folder).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True, help="Language of what is printed.")
@click.pass_context
def registry(ctx: click.Context, db: str | None, lang: str) -> None:
    """The establishment's exercise history: exercises, ratings, improvement items followed year to year."""
    ctx.ensure_object(dict)
    ctx.obj.update(db=db, lang=lang)


@registry.command("add")
@click.argument("journal", metavar="LOG", type=click.Path(), callback=given_path)
@click.option("--report", "report", metavar="FILE", type=click.Path(), callback=given_path, help="The report the director signed (its SHA-256 goes in the evidence pack).")
@click.option("--scenario", "scenario_path", metavar="FILE", type=click.Path(), callback=given_path, help="The scenario file played (default: found from the header).")
@click.option("--policy", "policy_path", metavar="FILE", type=click.Path(), callback=given_path, help="The policy file of a headless run.")
@click.pass_context
def add(ctx: click.Context, journal: str, report: str | None, scenario_path: str | None, policy_path: str | None) -> None:
    """Import the exercise in LOG: it must verify, be sealed and replay identically.

    Keeps its head hash and what the report derives from it (ratings, improvement items, KPIs),
    never a copy of the journal. Exit 1 when LOG is tampered with, not sealed or does not replay.
    """
    from simulator.registry import store

    prepared = _prepare(journal, report, scenario_path, policy_path)
    reg = _open(ctx, create=True)
    with reg:
        added = store.insert(reg, prepared)
        e = store.exercise(reg, added.id)
        lang = ctx.obj["lang"]
        if added.new:
            click.echo(_L(ctx, "added", id=added.id, title=e.title(lang), date=e.played_on.isoformat(), items=added.items, db=reg.path))
        else:
            click.echo(_L(ctx, "already", id=added.id, title=e.title(lang), db=reg.path))


def _prepare(journal, report, scenario_path, policy_path):
    from simulator.journal.replay import JournalFailure
    from simulator.registry import store

    try:
        return store.prepare(journal, report=report, scenario=scenario_path, policy=policy_path)
    except InputError as exc:
        fail(exc)
    except JournalFailure as exc:
        fail([exc.diagnostic], code=exc.exit_code)
    except IsADirectoryError:
        fail([Diagnostic(journal, 1, 1, "error", "is a folder, not a journal")])
    except OSError as exc:
        fail([Diagnostic(journal, 1, 1, "error", f"cannot read: {exc.strerror or exc}")])


def _ratings(objs) -> str:
    return " ".join(o.rating or "·" for o in objs) or "—"


@registry.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the exercises as JSON.")
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """The exercises in the registry, oldest first."""
    from simulator.registry import store

    if _missing(ctx):
        print_json({"exercises": []}) if as_json else click.echo(_L(ctx, "empty"))
        return
    reg = _open(ctx)
    lang = ctx.obj["lang"]
    with reg:
        rows = []
        for e in store.exercises(reg):
            its = store.items(reg, exercise_id=e.id)
            open_ = sum(1 for i in its if i.status in ("open", "in-progress"))
            rows.append((e, store.objectives(reg, e.id), open_, len(its)))
    if as_json:
        print_json({"exercises": [{**e.model_dump(mode="json"), "ratings": [o.rating for o in objs], "items_open": o_, "items": n} for e, objs, o_, n in rows]})
        return
    if not rows:
        click.echo(_L(ctx, "empty"))
        return
    click.echo(_L(ctx, "list.head"))
    for e, objs, open_, n in rows:
        click.echo(f"#{e.id:<4} {e.played_on.isoformat()}  {e.title(lang)} [{_L(ctx, 'level.' + e.level)}]  {_ratings(objs)}  "
                   + _L(ctx, "list.items", open=open_, total=n))


@registry.command("show")
@click.argument("exercise_id", metavar="EXERCISE", type=int)
@click.pass_context
def show(ctx: click.Context, exercise_id: int) -> None:
    """One exercise: when, level, participants, proof, objectives and their ratings, improvement items."""
    from simulator.registry import store

    reg = _open(ctx)
    lang = ctx.obj["lang"]
    with reg:
        try:
            e = store.exercise(reg, exercise_id)
        except InputError as exc:
            fail(exc)
        people = store.participants(reg, e.id)
        objs = store.objectives(reg, e.id)
        its = store.items(reg, exercise_id=e.id)
    click.echo(f"#{e.id} {e.title(lang)} — {e.hospital(lang)}")
    click.echo(_L(ctx, "show.when", date=e.played_on.isoformat(), level=_L(ctx, "level." + e.level), mode=_L(ctx, "mode." + ("headless" if e.mode == "headless" else "interactive"))))
    click.echo(_L(ctx, "show.head", head=e.head))
    if e.report_sha256:
        click.echo(_L(ctx, "show.report", sha=e.report_sha256))
    if people:
        click.echo(_L(ctx, "show.participants", people=", ".join(f"{p.name} ({p.seat(lang)})" for p in people)))
    for o in objs:
        click.echo(f"  [{o.rating or '·'}] {o.text(lang)}")
    _print_items(ctx, its)


def _print_items(ctx: click.Context, its) -> None:
    lang = ctx.obj["lang"]
    for i in its:
        click.echo(f"  #{i.id:<4} {_L(ctx, 'status.' + i.status):<12} {_L(ctx, 'priority.' + i.priority):<12} {i.due.isoformat()}  {i.action(lang)} — {i.owner(lang)}")


@registry.command("items")
@click.option("--status", "statuses", multiple=True, metavar="STATUS", help="Only these statuses: open, in-progress, done, dropped (repeatable; default: open and in-progress).")
@click.option("--all", "all_", is_flag=True, help="Every status.")
@click.option("--exercise", "exercise_id", type=int, metavar="N", help="Only the items of exercise N.")
@click.option("--json", "as_json", is_flag=True, help="Print the items as JSON.")
@click.pass_context
def items_(ctx: click.Context, statuses: tuple[str, ...], all_: bool, exercise_id: int | None, as_json: bool) -> None:
    """Improvement items and their status (open, in progress, done, dropped)."""
    from simulator.registry import store

    if _missing(ctx):
        print_json({"items": []}) if as_json else click.echo(_L(ctx, "no-items"))
        return
    reg = _open(ctx)
    with reg:
        bad = [x for x in statuses if x not in ("open", "in-progress", "done", "dropped")]
        if bad:
            fail([Diagnostic("--status", 1, 1, "error", f"unknown status '{bad[0]}' (open, in-progress, done, dropped)")])
        chosen = None if all_ else (statuses or ("open", "in-progress"))
        its = store.items(reg, exercise_id=exercise_id, statuses=chosen)
    if as_json:
        print_json({"items": [i.model_dump(mode="json") for i in its]})
        return
    if not its:
        click.echo(_L(ctx, "no-items"))
    _print_items(ctx, its)


@registry.command("update")
@click.argument("item_id", metavar="ITEM", type=int)
@click.option("--status", metavar="STATUS", help="New status: open, in-progress, done, dropped.")
@click.option("--owner", help="Who owns it now (a person or a service).")
@click.option("--evidence", help="What shows it done (a document, a test, a date).")
@click.option("--note", help="A note for the history.")
@click.option("--due", "due_text", metavar="DATE", help="New due date (YYYY-MM-DD).")
@click.option("--on", "on_text", metavar="DATE", help="Date of the change (YYYY-MM-DD, default today).")
@click.pass_context
def update(ctx: click.Context, item_id: int, status: str | None, owner: str | None, evidence: str | None, note: str | None, due_text: str | None, on_text: str | None) -> None:
    """Change an improvement item: status, owner, evidence, due date; every change is kept in its history."""
    from pydantic import ValidationError

    from simulator.registry import store
    from simulator.registry.models import ItemUpdate

    fields = {k: v for k, v in (("status", status), ("owner", owner), ("evidence", evidence), ("note", note)) if v is not None}
    due = _date("--due", due_text)
    on = _date("--on", on_text)
    if due is not None:
        fields["due"] = due
    if on is not None:
        fields["on"] = on
    if not fields or set(fields) == {"on"}:
        fail([Diagnostic("update", 1, 1, "error", "nothing to change: give --status, --owner, --evidence, --note or --due")])
    try:
        change = ItemUpdate(**fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        fail([Diagnostic(f"--{err['loc'][0]}" if err.get("loc") else "update", 1, 1, "error", err["msg"])])
    reg = _open(ctx)
    with reg:
        try:
            item = store.update(reg, item_id, change)
        except InputError as exc:
            fail(exc)
    lang = ctx.obj["lang"]
    click.echo(_L(ctx, "updated", id=item.id, status=_L(ctx, "status." + item.status), action=item.action(lang)))


@registry.command("trends")
@click.option("--scenario", "scenario_id", metavar="ID", help="Only the exercises of this scenario (its id).")
@click.option("--kpi", "kpi_keys", multiple=True, metavar="KEY", help="Indicators to show (repeatable; default: the main ones).")
@click.option("--json", "as_json", is_flag=True, help="Print the trends as JSON.")
@click.pass_context
def trends(ctx: click.Context, scenario_id: str | None, kpi_keys: tuple[str, ...], as_json: bool) -> None:
    """The same scenario or indicator across exercises: ratings, KPIs, items closed."""
    from simulator.registry import store

    keys = kpi_keys or ("ehr_downtime_minutes", "machines_encrypted", "records_exfiltrated", "procedures_cancelled")
    unknown = [k for k in keys if k not in store.KPI_KEYS]
    if unknown:
        fail([Diagnostic("--kpi", 1, 1, "error", f"unknown indicator '{unknown[0]}' (one of: {', '.join(store.KPI_KEYS)})")])
    if _missing(ctx):
        print_json({"trends": []}) if as_json else click.echo(_L(ctx, "empty"))
        return
    reg = _open(ctx)
    with reg:
        rows = store.trends(reg, scenario=scenario_id)
    lang = ctx.obj["lang"]
    if as_json:
        print_json({"trends": [{"exercise": e.id, "played_on": e.played_on.isoformat(), "scenario": e.scenario_id, "ratings": {o.objective: o.rating for o in objs},
                     "kpis": {k: kp.get(k) for k in keys}, "items": counts} for e, kp, objs, counts in rows]})
        return
    if not rows:
        click.echo(_L(ctx, "empty"))
        return
    click.echo("  ".join([_L(ctx, "trends.exercise"), *(_L(ctx, f"kpi.{k}") for k in keys), _L(ctx, "trends.ratings"), _L(ctx, "trends.items")]))
    for e, kp, objs, counts in rows:
        values = [_fmt_kpi(k, kp.get(k), lang) for k in keys]
        click.echo("  ".join([f"#{e.id} {e.played_on.isoformat()} {e.title(lang)}", *values, _ratings(objs),
                              _L(ctx, "trends.items-value", done=counts["done"], open=counts["open"] + counts["in-progress"])]))


def _fmt_kpi(key: str, value: float | None, lang: str) -> str:
    from simulator.report import locale as fmt

    if value is None:
        return "—"
    if key.endswith("_minutes"):
        return fmt.duration(value, lang)
    if key.endswith("_pct"):
        return fmt.percent(value, lang)
    return fmt.count(value, lang)


@registry.command("pack")
@click.option("-o", "--output", "out_path", required=True, metavar="FILE", type=click.Path(), callback=given_path, help="Where to write the pack (written atomically).")
@click.option("--format", "fmt", type=click.Choice(["html", "csv"]), default="html", show_default=True, help="A printable page, or CSV for a spreadsheet.")
@click.option("--since", "since_text", metavar="DATE", help="Start of the period (YYYY-MM-DD; default: a year before --until).")
@click.option("--until", "until_text", metavar="DATE", help="End of the period (YYYY-MM-DD; default: today).")
@click.pass_context
def pack(ctx: click.Context, out_path: str, fmt: str, since_text: str | None, until_text: str | None) -> None:
    """The evidence pack for the ARS / CaRE: exercises of the period, who took part, proofs, items closed."""
    from simulator.registry.pack import pack_csv, pack_html

    since = _date("--since", since_text)
    until = _date("--until", until_text) or dt.date.today()
    if since is not None and since > until:
        fail([Diagnostic("--since", 1, 1, "error", f"{since} is after --until {until}")])
    reg = _open(ctx)
    with reg:
        refuse_overwriting_inputs(out_path, (str(reg.path),))
        text = (pack_html if fmt == "html" else pack_csv)(reg, ctx.obj["lang"], since, until)
    write_or_fail(out_path, lambda: write_atomic(out_path, text))
    click.echo(_L(ctx, "packed", path=out_path), err=True)
