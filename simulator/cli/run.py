"""`cyberdrill run`: one headless run of a scenario with a policy, as a summary or as JSON."""

from __future__ import annotations


import click

from simulator.cli import cli
from simulator.cli.output import fail, given_path, print_json, shipped_or_path
from simulator.model.diagnostics import Diagnostic, InputError
from simulator.model.duration import format_duration, format_offset


@cli.command("run")
@click.argument("scenario", type=click.Path(), callback=shipped_or_path("scenario"))
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random streams.")
@click.option("--policy", default="scenario-defaults", show_default=True, help="passive, scenario-defaults, textbook, or a policy file.", type=click.Path(), callback=given_path)
@click.option("--until", "until", default="end", show_default=True, help="end (the exercise window), recovery, or a duration (5d).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (byte-identical for the same inputs).")
# -- journal options (simulator/journal/headless_log.py) --
@click.option("--log", "log_path", metavar="FILE", help="Write the run's journal (hash-chained, sealed) to FILE.", type=click.Path(), callback=given_path)
@click.option("--sign-key", "sign_key", metavar="FILE", help="Sign the journal's seal with this Ed25519 private key (with --log).", type=click.Path(), callback=given_path)
def run(scenario: str, seed: int, policy: str, until: str, as_json: bool, log_path: str | None = None, sign_key: str | None = None) -> None:
    """Play SCENARIO without a crisis cell: the policy takes the decisions."""
    from simulator.engine.headless import run_headless

    try:
        if log_path is not None or sign_key is not None:
            from simulator.cli.output import usage_error
            from simulator.journal.headless_log import run_logged

            if log_path is None:
                usage_error("--sign-key", "--sign-key signs a journal: give --log FILE too")
            result, _recorded = run_logged(scenario, seed=seed, policy=policy, until=until, log_path=log_path, sign_key=sign_key)
        else:
            result = run_headless(scenario, seed=seed, policy=policy, until=until)
    except InputError as exc:
        fail(exc)
    except OSError as exc:
        fail([Diagnostic(scenario, 1, 1, "error", f"cannot read: {exc.strerror or exc}")])
    data = result.to_json()
    if as_json:
        print_json(data, sort_keys=True)
        return
    _summary(data)


def _summary(data: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    k = data["kpis"]
    console.print(
        f"[bold]{data['scenario']}[/bold]  seed {data['seed']}  policy [cyan]{data['policy']}[/cyan]  "
        f"until {data['until']}: {format_offset(data['sim_minutes'])}  ({data['events']:,} simulation steps)"
    )
    if data["recovered_at"] is not None:
        console.print(f"recovered at {format_offset(data['recovered_at'])}")
    elif data.get("recovery_guard_reached"):
        console.print(f"[bold red]not recovered[/bold red]: stopped at the recovery guard ({format_offset(data['sim_minutes'])}, engine recovery_max_days)")
    table = Table(title="Outcome", show_header=True)
    table.add_column("indicator")
    table.add_column("value", justify="right")
    rows = [
        ("EHR downtime", format_duration(int(k["ehr_downtime_minutes"]))),
        ("patients diverted", f"{k['patients_diverted']:.0f}"),
        ("procedures cancelled", f"{k['procedures_cancelled']:.0f}"),
        ("patients transferred", f"{k['patients_transferred']:.0f}"),
        ("ED volume, week 1", f"{k['ed_volume_change_week1_pct']:+.1f} %"),
        ("lab turnaround", f"{k['lab_turnaround_change_pct']:+.1f} %"),
        ("assets encrypted", str(k["assets_encrypted"])),
        ("records exfiltrated", f"{k['records_exfiltrated']:,}"),
        ("ransom paid", "yes" if k["ransom_paid"] else "no"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    clocks = Table(title="Regulatory clocks")
    for col in ("clock", "state", "deadline", "met"):
        clocks.add_column(col)
    for c in data["clocks"]:
        clocks.add_row(
            c["id"], c["state"],
            format_offset(c["deadline"]) if c["deadline"] is not None else "-",
            format_offset(c["met_at"]) if c["met_at"] is not None else "-",
        )
    console.print(clocks)
    if data["objectives"]:
        objectives = Table(title="Objectives (HSEEP)")
        objectives.add_column("objective")
        objectives.add_column("rating")
        objectives.add_column("tasks")
        for o in data["objectives"]:
            tasks = ", ".join(f"{t['id']}={t['rating'] or '?'}" for t in o["tasks"])
            objectives.add_row(o["id"], o["rating"] or "unrated", tasks)
        console.print(objectives)
