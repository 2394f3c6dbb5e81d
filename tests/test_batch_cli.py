"""`cyberdrill batch` on the command line: outputs, bad input (exit 2), Ctrl+C (exit 130, whole lines)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from simulator.batch.results import read_results

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"
FLAGSHIP = ROOT / "scenarios" / "ransomware-weekend-night.yaml"
OFFLINE_BACKUPS = ROOT / "scenarios" / "variants" / "offline-backups.yaml"


def test_out_json_and_svg(run_cli, tmp_path):
    out, svg = tmp_path / "runs.jsonl", tmp_path / "hist.svg"
    code, stdout, stderr = run_cli("batch", MINI, "--runs", "12", "--seed-start", "5", "--policy", "textbook", "--until", "12h",
                                   "--workers", "1", "--out", out, "--plot", svg, "--json")
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["completed"] == 12 and summary["arms"] == ["baseline"] and summary["differences"] == {}
    ehr = summary["summaries"]["baseline"]["ehr_downtime_minutes"]
    assert ehr["n"] == 12 and ehr["p5"] <= ehr["median"] <= ehr["p95"] and ehr["ci_low"] <= ehr["mean"] <= ehr["ci_high"]
    result = read_results(out)
    assert result.complete and [r.seed for r in result.runs] == list(range(5, 17))
    h = result.header
    assert h.scenario.id == "mini-ransomware" and len(h.scenario.sha256) == 64 and h.network.id
    assert h.options.runs == 12 and h.options.seed_start == 5 and h.options.until == "12h" and h.options.policy == "textbook"
    assert h.software.version and h.arms == ["baseline"]
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and root.findall(".//{http://www.w3.org/2000/svg}rect")


def test_tables_and_html_with_compare(run_cli, tmp_path):
    variant = tmp_path / "v.yaml"
    variant.write_text("variant:\n  id: more-staff\n  name: More night staff\n  overrides:\n    - it_staff: {weekend_night: 6}\n", encoding="utf-8")
    page = tmp_path / "summary.html"
    code, stdout, stderr = run_cli("batch", MINI, "--runs", "8", "--policy", "textbook", "--until", "1d", "--workers", "1", "--compare", variant, "--plot", page)
    assert code == 0, stderr
    assert "Indicators over the runs" in stdout and "more-staff minus baseline, paired by seed" in stdout
    assert "EHR downtime" in stdout and "±" in stdout
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Paired differences" in text and "<svg" in text
    assert "more-staff" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--runs", "0"], "--runs must be at least 1"),
        (["--runs", "-3"], "--runs must be at least 1"),
        (["--runs", "5", "--policy", "heroic"], "unknown policy 'heroic'"),
        (["--runs", "5", "--until", "soon"], "invalid duration"),
        (["--runs", "5", "--workers", "0"], "--workers must be at least 1"),
        (["--runs", "5", "--plot", "hist.png"], "--plot writes .svg"),
        (["--runs", "5", "--scheduler", "tcp://127.0.0.1:8786"], "--scheduler goes with --executor dask"),
        (["--runs", "5", "--out", "no/such/folder/r.jsonl"], "does not exist"),
        (["--runs", "5", "--compare", "missing.yaml"], "no such file"),
    ],
)
def test_bad_options_exit_2_with_one_line_errors(run_cli, tmp_cwd, args, message):
    code, stdout, stderr = run_cli("batch", MINI, *args)
    assert code == 2, (stdout, stderr)
    assert message in stderr and "Traceback" not in stderr
    assert ": error: " in stderr


def test_scenario_that_does_not_validate(run_cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario:\n  id: x\n", encoding="utf-8")
    code, _out, stderr = run_cli("batch", bad, "--runs", "3")
    assert code == 2 and "bad.yaml:" in stderr and ": error: " in stderr and "Traceback" not in stderr


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("variant:\n  id: v\n  name: V\n  overrides:\n    - {asset: no-such-asset, controls: {edr: true}}\n", 5, "unknown asset 'no-such-asset'"),
        ("variant:\n  id: v\n  name: V\n  overrides:\n    - {controls: {edr_coverage: 2}}\n", 5, "edr_coverage"),
        ("variant:\n  id: v\n  name: V\n  overides: []\n", 4, "overides"),
        ("variant:\n  id: baseline\n  name: V\n  overrides:\n    - {controls: {edr_coverage: 1}}\n", 2, "cannot be called 'baseline'"),
        ("policy:\n  id: p\n  name: P\n", 1, "expected a 'variant:' file"),
    ],
)
def test_variant_that_does_not_validate_is_reported_at_its_position(run_cli, tmp_path, body, line, message):
    variant = tmp_path / "variant.yaml"
    variant.write_text(body, encoding="utf-8")
    code, _out, stderr = run_cli("batch", MINI, "--runs", "3", "--compare", variant)
    assert code == 2, stderr
    assert f"variant.yaml:{line}:" in stderr and message in stderr and "Traceback" not in stderr


def test_unreachable_scheduler_exits_2_within_the_timeout(run_cli):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    began = time.monotonic()
    code, _out, stderr = run_cli("batch", MINI, "--runs", "3", "--executor", "dask", "--scheduler", f"tcp://127.0.0.1:{port}", "--timeout", "2")
    assert time.monotonic() - began < 20
    assert code == 2 and "cannot reach the Dask scheduler" in stderr and "Traceback" not in stderr


def test_an_empty_scheduler_address_is_refused_before_any_dask_message(run_cli):
    """Regression: `--scheduler ""` printed "starting Dask on a LocalCluster..." first."""
    code, _out, stderr = run_cli("batch", MINI, "--runs", "3", "--executor", "dask", "--scheduler", "")
    assert code == 2 and "Traceback" not in stderr
    assert stderr.strip().splitlines() == ["--scheduler:1:1: error: empty scheduler address: give tcp://HOST:PORT, or leave --scheduler out to start a LocalCluster"]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_losing_the_scheduler_mid_batch_is_one_line_and_exit_2(tmp_path):
    """Regression: a scheduler killed mid-batch gave three `distributed.client` tracebacks and
    exit 1 (which means an engine bug). A real scheduler and worker, the scheduler SIGKILLed."""
    env = {**os.environ, "DASK_TEMPORARY_DIRECTORY": str(tmp_path / "dask")}
    address = f"tcp://127.0.0.1:{_free_port()}"
    dask = [sys.executable, "-m", "dask"]
    scheduler = subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp_path)
    worker = subprocess.Popen([*dask, "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp_path)
    out = tmp_path / "runs.jsonl"
    batch = None
    try:
        # the cluster is up before the batch starts (on a loaded machine the worker takes a while
        # to register, and that wait is not what this test is about)
        from distributed import Client

        with Client(address, timeout=120) as client:
            client.wait_for_workers(1, timeout=120)
        cmd = [sys.executable, "-m", "simulator", "batch", str(MINI), "--runs", "100000", "--until", "12h",
               "--executor", "dask", "--scheduler", address, "--timeout", "60", "--out", str(out)]
        batch = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and batch.poll() is None and not (out.exists() and out.read_bytes().count(b"\n") >= 6):
            time.sleep(0.1)
        assert batch.poll() is None, batch.stderr.read().decode()
        scheduler.kill()
        _stdout, stderr = batch.communicate(timeout=120)
    finally:
        for proc in (batch, scheduler, worker):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    text = stderr.decode()
    assert batch.returncode == 2, text
    assert "Traceback" not in text and "distributed.client" not in text
    lines = [x for x in text.splitlines() if x.strip() and not x.startswith("starting Dask")]
    assert len(lines) == 1 and lines[0].startswith(f"--scheduler:1:1: error: lost the Dask scheduler at {address}"), text
    result = read_results(out)
    assert result.end is not None and result.end.interrupted and result.end.runs == len(result.runs) >= 5
    assert f"after {len(result.runs)} completed seed(s)" in lines[0]


def _ctrl_c(cmd: list[str], ready, must_run: bool = True) -> tuple[int, bytes]:
    """Start `cmd` in its own process group, press Ctrl+C (SIGINT to the whole group, as a
    terminal does) once `ready()` holds, and return its exit code and stderr."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not ready() and proc.poll() is None:
            time.sleep(0.05)
        if must_run:
            assert proc.poll() is None, proc.stderr.read().decode()
        os.killpg(proc.pid, signal.SIGINT)
        # A Ctrl+C pressed while the pool starts is held until every worker has started: on a
        # loaded 2-core machine 8 spawned workers take tens of seconds. A lost Ctrl+C would run
        # the 100,000 seeds for hours, so a generous bound still tells the two apart.
        _stdout, stderr = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, stderr


@pytest.mark.parametrize(("executor", "workers"), [("local", "1"), ("local", "2"), ("dask", "2")])
def test_ctrl_c_leaves_whole_lines_and_exits_130(tmp_path, executor, workers):
    out = tmp_path / "runs.jsonl"
    cmd = [sys.executable, "-m", "simulator", "batch", str(MINI), "--runs", "100000", "--until", "12h",
           "--executor", executor, "--workers", workers, "--out", str(out)]
    returncode, stderr = _ctrl_c(cmd, lambda: out.exists() and out.read_bytes().count(b"\n") >= 12)
    assert returncode == 130, stderr.decode()
    assert b"Traceback" not in stderr and b"interrupted after" in stderr
    raw = out.read_bytes()
    assert raw.endswith(b"\n")
    for line in raw.decode("utf-8").splitlines():
        json.loads(line)
    result = read_results(out)
    assert result.end is not None and result.end.interrupted and result.end.runs == len(result.runs) >= 11
    assert [r.seed for r in result.runs] == list(range(len(result.runs)))
    assert f"interrupted after {len(result.runs)} of".encode() in stderr


def test_offline_backups_lower_ehr_downtime_on_the_flagship(run_cli):
    """The CaRE question: with offline backups, how much shorter is the EHR outage (textbook cell)?"""
    code, stdout, stderr = run_cli("batch", FLAGSHIP, "--runs", "8", "--policy", "textbook", "--until", "recovery",
                                   "--workers", "2", "--compare", OFFLINE_BACKUPS, "--json")
    assert code == 0, stderr
    data = json.loads(stdout)
    base = data["summaries"]["baseline"]["ehr_downtime_minutes"]
    offline = data["summaries"]["offline-backups"]["ehr_downtime_minutes"]
    diff = data["differences"]["ehr_downtime_minutes"]
    assert offline["median"] < base["median"]
    assert diff["n"] == 8 and diff["mean"] < 0 and diff["ci_high"] < 0


@pytest.mark.parametrize("delay", [0.4, 1.2, 2.0, 3.0])
def test_ctrl_c_while_the_batch_starts_is_a_clean_stop(tmp_path, delay):
    """Regression: a Ctrl+C while the worker pool started was lost (the batch ran to the end, exit 0),
    and one just after the header gave click's "Aborted!" (exit 1) and no end line."""
    out = tmp_path / "runs.jsonl"
    cmd = [sys.executable, "-m", "simulator", "batch", str(MINI), "--runs", "100000", "--until", "12h",
           "--workers", "8", "--out", str(out)]  # more seeds than any machine finishes before the Ctrl+C
    began = time.monotonic()
    returncode, stderr = _ctrl_c(cmd, lambda: time.monotonic() - began >= delay, must_run=False)
    assert returncode == 130, stderr.decode()
    assert b"Traceback" not in stderr and b"Aborted" not in stderr and b"interrupted" in stderr
    if out.exists():
        result = read_results(out)
        assert result.end is not None and result.end.interrupted and result.end.runs == len(result.runs) < 100000


def test_a_horizon_that_caps_the_ehr_downtime_is_pointed_out(run_cli):
    """--compare of a defence that shortens recovery shows nothing when every run stops with the
    EHR still down: the summary says so and names the horizon that would show it."""
    code, out, err = run_cli("batch", MINI, "--runs", "3", "--until", "3h", "--workers", "1")
    assert code == 0, err
    assert "note: the EHR is still down when 100 % of the runs stop (--until 3h)" in " ".join(out.split())
    code, out, err = run_cli("batch", MINI, "--runs", "3", "--until", "3h", "--workers", "1", "--json")
    assert code == 0 and json.loads(out)["notes"] and "--until recovery" in json.loads(out)["notes"][0]
    code, out, err = run_cli("batch", MINI, "--runs", "3", "--until", "recovery", "--policy", "textbook", "--workers", "1", "--json")
    assert code == 0 and json.loads(out)["notes"] == [], err


@pytest.mark.parametrize(("variant", "scenario"), [
    ("offline-backups.yaml", "ransomware-weekend-night.yaml"),
    ("mfa-remote-access.yaml", "ransomware-weekend-night.yaml"),
    # the flagship opens at the detonation: EDR can only matter where the exercise opens during the dwell time
    ("edr-everywhere.yaml", "phishing-long-dwell.yaml"),
])
def test_every_shipped_variant_changes_the_runs_it_is_meant_for(variant, scenario):
    """Regression: mfa-remote-access changed nothing on the flagship, as the VPN portal's own
    `mfa: false` won over the network-wide switch the variant turns on."""
    from simulator.batch.plan import build_plan
    from simulator.batch.worker import run_seed

    plan = build_plan(ROOT / "scenarios" / scenario, policy="textbook", until="recovery", variant_path=ROOT / "scenarios" / "variants" / variant)
    assert any(base["kpis"] != other["kpis"] for base, other in (run_seed(plan, seed) for seed in range(3))), variant
