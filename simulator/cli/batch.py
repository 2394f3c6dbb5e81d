"""`cyberdrill batch`: many seeded headless runs, their KPI distributions, and what-if comparisons."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import click

from simulator.cli import cli
from simulator.cli.interrupt import stop_if_interrupted
from simulator.cli.output import EXIT_FAILED, fail, given_path, print_json, shipped_or_path, refuse_overwriting_inputs, same_file, usage_error, write_atomic, write_or_fail
from simulator.model.diagnostics import InputError

EXIT_INTERRUPTED = 130
MAX_WORKERS = 256
PLOT_SUFFIXES = (".svg", ".html", ".htm")


@cli.command("batch")
@click.argument("scenario", type=click.Path(), callback=shipped_or_path("scenario"))
@click.option("--runs", type=int, required=True, help="Number of seeds to run (each seed once per arm).")
@click.option("--seed-start", type=int, default=0, show_default=True, help="First seed; runs use seed-start .. seed-start+runs-1.")
@click.option("--policy", default="scenario-defaults", show_default=True, help="passive, scenario-defaults, textbook, or a policy file.", type=click.Path(), callback=given_path)
@click.option("--until", default="end", show_default=True, help="end (the exercise window), recovery, or a duration (12h, 5d).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: the CPU count; for Dask with --scheduler: the cluster's).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True, help="local process pool, or Dask (pip install 'cyberdrill[cluster]').")
@click.option("--scheduler", default=None, help="Dask scheduler to join (tcp://host:8786); without it, --executor dask starts a LocalCluster.")
@click.option("--timeout", "connect_timeout", type=float, default=10.0, show_default=True, help="Seconds to wait for the Dask scheduler.")
@click.option("--out", default=None, help="Result file: a header line then one JSON line per run, written as runs finish.", type=click.Path(), callback=given_path)
@click.option("--compare", "variant", default=None, help="Variant file (overrides), or a shipped variant's id, run on the same seeds; differences are paired by seed.", type=click.Path(), callback=shipped_or_path("variant"))
@click.option("--plot", default=None, help="Histograms of the KPIs: FILE.svg, or FILE.html for a summary page with the tables.", type=click.Path(), callback=given_path)
@click.option("--detail", is_flag=True, help="Also show the downtime of every service and every other KPI in the tables.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout instead of tables.")
@click.option("--force", is_flag=True, help="Replace an existing --out result file (by default it is kept and the batch refused).")
def batch(scenario, runs, seed_start, policy, until, workers, executor, scheduler, connect_timeout, out, variant, plot, detail, as_json, force):
    """Run SCENARIO for many seeds and summarise each KPI (mean, median, p5, p95, 95 % CI of the mean).

    Results are identical run by run whatever the executor and worker count.
    Ctrl+C stops the batch: the result file keeps every completed run (exit 130).
    """
    from simulator.batch.executors import RunFailed, make_executor
    from simulator.batch.plan import build_plan
    from simulator.batch.results import ResultWriteError, ResultWriter
    from simulator.batch.runner import make_header

    if runs < 1:
        usage_error("<command line>", f"--runs must be at least 1, not {runs}")
    if workers is not None and workers < 1:
        usage_error("<command line>", f"--workers must be at least 1, not {workers}")
    if workers is not None and workers > MAX_WORKERS:
        usage_error("<command line>", f"--workers {workers} is more than {MAX_WORKERS} worker processes on one machine (a Dask cluster scales further with --scheduler)")
    if workers is not None and scheduler is None:
        workers = min(workers, runs)  # a worker beyond one per seed would only start and stop
    if scheduler is not None and executor != "dask":
        usage_error("<command line>", "--scheduler goes with --executor dask")
    if not (0 < connect_timeout <= 3600):  # NaN fails this too
        usage_error("<command line>", f"--timeout must be a number of seconds above 0 and at most 3600, not {connect_timeout:g}")
    if plot is not None and Path(plot).suffix.lower() not in PLOT_SUFFIXES:
        suffix = Path(plot).suffix.lower()
        why = "; PNG would need a plotting library" if suffix == ".png" else ""
        usage_error(plot, f"--plot writes .svg (histograms) or .html (summary page with histograms), not '{suffix or 'no extension'}'{why}")
    for target in (out, plot):
        if target is not None and not Path(target).resolve().parent.is_dir():
            usage_error(target, f"cannot write: folder '{Path(target).parent}' does not exist")
    if out is not None and plot is not None and (same_file(out, plot) or Path(out).resolve() == Path(plot).resolve()):
        usage_error(plot, "--plot and --out name the same file")

    try:
        plan = build_plan(scenario, policy=policy, until=until, variant_path=variant)
        stop_if_interrupted()  # a Ctrl+C that a library swallowed while the plan was built
    except InputError as exc:
        fail(exc)
    except OSError as exc:
        usage_error(scenario, f"cannot read: {exc.strerror or exc}")
    except KeyboardInterrupt:
        click.echo("interrupted before the batch started: nothing written", err=True)
        sys.exit(EXIT_INTERRUPTED)
    refuse_overwriting_inputs(out, plan.files, "--out")
    refuse_overwriting_inputs(plot, plan.files, "--plot")
    for option, target in (("--out", out), ("--plot", plot)):
        if target is not None and Path(target).is_dir():
            usage_error(target, f"{option} names a folder: give the file's name")
    if out is not None and os.path.lexists(out) and not force:  # lexists: a dangling link would be followed and its target created
        usage_error(out, "result file already exists: refusing to overwrite it (--force replaces it)")

    if scheduler is not None and not scheduler.strip():
        usage_error("--scheduler", "empty scheduler address: give tcp://HOST:PORT, or leave --scheduler out to start a LocalCluster")
    if executor == "dask":
        where = scheduler or f"a LocalCluster of {workers or os.cpu_count() or 1} workers"
        click.echo(f"starting Dask on {where} ...", err=True)
    ex = writer = None
    try:
        try:
            ex = make_executor(plan, executor, workers, scheduler, connect_timeout)
        except InputError as exc:
            fail(exc)
        if out is not None:
            header = make_header(plan, runs, seed_start, policy, ex.name, ex.workers, scheduler)
            try:
                writer = ResultWriter(out, header)
            except InputError as exc:
                ex.abort()
                fail(exc)
        outcome = _run_with_progress(plan, ex, runs, seed_start, writer, quiet=as_json)
    except RunFailed as exc:
        click.echo(f"error: a run failed in a worker, batch stopped: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    except InputError as exc:  # the result file could not be written (it ends at a whole seed), or the scheduler went
        if out is not None and writer is not None and not isinstance(exc, ResultWriteError):
            exc = InputError(exc.diagnostics[:-1] + [_with_file_note(exc.diagnostics[-1], out)])
        fail(exc)
    except KeyboardInterrupt:
        # before the first seed (workers starting, result file just opened): Ctrl+C still
        # means a clean stop, a complete result file and exit 130, never click's "Aborted!"
        if ex is not None:
            ex.abort()
        if writer is not None:
            writer.close(interrupted=True)
        click.echo("interrupted before any seed completed" + (f"; {out} holds its header and an end line" if writer is not None else ""), err=True)
        sys.exit(EXIT_INTERRUPTED)

    if as_json:
        print_json(_as_json(outcome, plan))
    else:
        _print_tables(plan, outcome, detail)
    if plot is not None and outcome.completed:
        _write_plot(plot, plan, outcome)
    if out is not None:
        click.echo(f"wrote {out}: {outcome.completed} seed(s) x {len(plan.arms)} arm(s)", err=True)
    if outcome.interrupted:
        click.echo(f"interrupted after {outcome.completed} of {runs} seeds; the results above cover those", err=True)
        sys.exit(EXIT_INTERRUPTED)


def _with_file_note(d, out):
    """The scheduler's loss, saying what the result file holds (its completed seeds, an end line)."""
    from simulator.model.diagnostics import Diagnostic

    return Diagnostic(d.file, d.line, d.col, d.severity, f"{d.message} ({out} keeps the completed seeds; its end line says interrupted)")


def _run_with_progress(plan, ex, runs, seed_start, writer, quiet):
    """The batch under a Rich progress bar (runs, rate, elapsed, ETA) on stderr when it is a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.text import Text

    from simulator.batch.runner import run_batch

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("-- runs/s" if speed is None else f"{speed * len(plan.arms):.1f} runs/s")

    console = Console(stderr=True)
    columns = (
        TextColumn(f"[bold]{plan.scenario.id}[/bold] {plan.policy.id}"),
        BarColumn(), MofNCompleteColumn(), RateColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=quiet or not console.is_terminal) as progress:
        task = progress.add_task("batch", total=runs)
        return run_batch(plan, ex, runs, seed_start, writer, progress=lambda done: progress.update(task, completed=done))


def _shown_metrics(outcome, detail: bool = True) -> list[str]:
    """Headline KPIs, clocks and recovery time; with `detail`, every other KPI that is not zero throughout."""
    from simulator.batch.display import HEADLINE, order

    names = set()
    for arm in outcome.plan_arms:
        cols = outcome.columns[arm]
        for name in cols.names():
            if name.startswith("weekly."):
                continue  # their own table (_print_weekly) and chart
            if name in HEADLINE or name.startswith("clock.") or name == "recovered_at":
                names.add(name)
            elif detail and any(v != 0 for v in cols.values(name)):
                names.add(name)
    return order(sorted(names))


def capped_by_window(plan, outcome, share: float = 0.5) -> str | None:
    """A hint when the EHR is still down at the end of most runs: the horizon then caps the
    indicator, and arms that differ only in how fast they recover look the same."""
    if plan.until == "recovery":
        return None
    worst = 0.0
    for arm in plan.arms:
        cols = outcome.columns[arm]
        down, reached = cols.values("ehr_downtime_minutes"), cols.values("sim_minutes")
        if down and len(down) == len(reached):
            worst = max(worst, sum(d >= 0.99 * t for d, t in zip(down, reached)) / len(down))
    if worst < share:
        return None
    return (
        f"the EHR is still down when {round(100 * worst)} % of the runs stop (--until {plan.until}): the horizon caps "
        "its downtime, so what speeds up recovery cannot show; --until recovery measures the whole outage"
    )


def _print_tables(plan, outcome, detail: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from simulator.batch.display import fmt, fmt_ci, in_days, label

    console = Console()
    base = outcome.summaries()
    names = [n for n in _shown_metrics(outcome, detail) if n in base]
    console.print(
        f"[bold]{plan.scenario.id}[/bold]  policy [cyan]{plan.policy.id}[/cyan]  until {plan.until}  "
        f"{outcome.completed} seed(s) from {outcome.first_seed}  {outcome.executor} x{outcome.workers}  "
        f"{outcome.seconds:.1f} s ({outcome.runs_per_second:.1f} runs/s)"
    )
    table = Table(title="Indicators over the runs" + (" (baseline)" if len(plan.arms) > 1 else ""))
    for col in ("indicator", "mean ± 95 % CI", "median", "p5", "p95"):
        table.add_column(col, justify="left" if col == "indicator" else "right")
    for name in names:
        s = base[name]
        d = in_days(name, s.median)
        table.add_row(label(name), fmt_ci(name, s.mean, s.ci_low, s.ci_high, days=d), fmt(name, s.median, days=d), fmt(name, s.p5, days=d), fmt(name, s.p95, days=d))
    console.print(table)
    note = capped_by_window(plan, outcome)
    if note:
        console.print(f"[yellow]note:[/yellow] {note}")
    _print_weekly(console, outcome)
    if len(plan.arms) < 2:
        return
    arm = plan.arms[1]
    var = outcome.summaries(arm)
    diff = outcome.differences()
    cmp = Table(title=f"{arm} minus baseline, paired by seed")
    for col in ("indicator", "median: baseline", arm, "difference: mean ± 95 % CI"):
        cmp.add_column(col, justify="left" if col == "indicator" else "right")
    for name in names:
        if name not in diff or name not in var:
            continue
        d = diff[name]
        days = in_days(name, base[name].median)
        cmp.add_row(
            label(name), fmt(name, base[name].median, days=days), fmt(name, var[name].median, days=days),
            fmt_ci(name, d.mean, d.ci_low, d.ci_high, signed=True, days=days),
        )
    console.print(cmp)


def _print_weekly(console, outcome) -> None:
    """Median capacity of each clinical function in weeks 1..4, baseline arm (and the variant)."""
    from rich.table import Table

    from simulator.batch.stats import weekly_medians

    for arm in outcome.plan_arms:
        weekly = weekly_medians(outcome.columns[arm])
        if not weekly:
            continue
        weeks = max(len(v) for v in weekly.values())
        table = Table(title="Capacity by week, median of the runs" + (f" ({arm})" if len(outcome.plan_arms) > 1 else ""))
        table.add_column("clinical function")
        for i in range(weeks):
            table.add_column(f"week {i + 1}", justify="right")
        for fid, values in weekly.items():
            table.add_row(fid, *(f"{v:.0f} %" for v in values), *([""] * (weeks - len(values))))
        console.print(table)


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _as_json(outcome, plan) -> dict:
    from simulator.batch.stats import weekly_medians

    note = capped_by_window(plan, outcome)
    return {
        "notes": [note] if note else [],
        "completed": outcome.completed,
        "requested": outcome.requested,
        "interrupted": outcome.interrupted,
        "seed_start": outcome.first_seed,
        "executor": outcome.executor,
        "workers": outcome.workers,
        "seconds": round(outcome.seconds, 3),
        "arms": outcome.plan_arms,
        "confidence": outcome.confidence,
        "summaries": {arm: {k: _clean(s.as_dict()) for k, s in outcome.summaries(arm).items()} for arm in outcome.plan_arms},
        "differences": {k: _clean(s.as_dict()) for k, s in outcome.differences().items()},
        "weekly_capacity_pct": {arm: weekly_medians(outcome.columns[arm]) for arm in outcome.plan_arms},
    }


def _write_plot(path: str, plan, outcome) -> None:
    from simulator.batch.plot import histograms_svg, plotted_metrics, summary_html, weekly_svg

    arms = outcome.plan_arms

    def series_of(name: str) -> dict[str, list[float]]:
        return {arm: outcome.columns[arm].values(name) for arm in arms}

    names = _shown_metrics(outcome)
    plotted = plotted_metrics(names, series_of)
    title = f"{plan.scenario.id}: {outcome.completed} seeds, policy {plan.policy.id}, until {plan.until}"
    from simulator.batch.stats import weekly_medians

    weekly = weekly_medians(outcome.columns[arms[0]])
    if Path(path).suffix.lower() == ".svg":
        chart = weekly_svg(weekly, "Median capacity of each clinical function by week", standalone=False) if weekly else ""
        text = histograms_svg(plotted, series_of, title, footer=chart, footer_height=330 if chart else 0)
    else:
        base = outcome.summaries()
        diff = outcome.differences()
        facts = [
            ("scenario", f"{plan.sources['scenario'].file} (sha256 {plan.sources['scenario'].sha256[:16]}...)"),
            ("network", f"{plan.sources['network'].file} (sha256 {plan.sources['network'].sha256[:16]}...)"),
            ("policy", plan.policy.id),
            ("until", plan.until),
            ("seeds", f"{outcome.first_seed} .. {outcome.first_seed + outcome.completed - 1}" + (" (interrupted)" if outcome.interrupted else "")),
        ]
        if "variant" in plan.sources:
            facts.append(("variant", f"{plan.sources['variant'].file} ({arms[1]})"))
        text = summary_html(
            title, facts, [(n, base[n]) for n in names if n in base], [(n, diff[n]) for n in names if n in diff],
            plotted, series_of, variant_label=arms[1] if len(arms) > 1 else None, weekly=weekly,
        )
    write_or_fail(path, lambda: write_atomic(path, text))
    click.echo(f"wrote {path}", err=True)
