"""Executors give the same runs, line for line, whatever the executor and the worker count."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import time
from pathlib import Path

import pytest

from simulator.batch.executors import LocalExecutor, SerialExecutor, chunk_size, chunks, make_executor
from simulator.batch.plan import build_plan
from simulator.batch.results import ResultWriter, dumps_line, read_results, run_line
from simulator.batch.runner import make_header, run_batch
from simulator.batch.worker import run_seed
from simulator.engine.headless import run_headless
from simulator.model.diagnostics import InputError

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"
RUNS = 200
UNTIL = "12h"


def lines_of(executor, plan, runs=RUNS, seed_start=0) -> list[str]:
    out = []
    for index, (seed, results) in enumerate(executor.run(range(seed_start, seed_start + runs))):
        out.extend(dumps_line(run_line(r, index, arm)) for arm, r in zip(plan.arms, results))
    executor.close()
    return out


@pytest.fixture(scope="module")
def copied(tmp_path_factory):
    """The mini scenario and its network in a folder the tests may delete."""
    folder = tmp_path_factory.mktemp("inputs")
    for name in ("mini-scenario.yaml", "mini-network.yaml"):
        shutil.copy(MINI.parent / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def plan(copied):
    return build_plan(copied / "mini-scenario.yaml", policy="textbook", until=UNTIL)


@pytest.fixture(scope="module")
def serial_lines(plan):
    return lines_of(SerialExecutor(plan), plan)


def test_runs_differ_between_seeds(serial_lines):
    """The check below would prove little if every seed gave the same run."""
    kpis = {json.dumps(json.loads(line)["kpis"], sort_keys=True) for line in serial_lines}
    assert len(serial_lines) == RUNS and len(kpis) > 10


def test_two_local_workers_give_the_same_lines(plan, serial_lines, copied):
    """Also: workers get the loaded plan, not paths; they run with the input files gone."""
    for f in copied.iterdir():
        f.unlink()
    assert lines_of(LocalExecutor(plan, 2), plan) == serial_lines


def _scratch(dask_worker) -> str:
    return str(dask_worker.local_directory)


def test_dask_local_cluster_gives_the_same_lines(plan, serial_lines, tmp_path):
    ex = make_executor(plan, "dask", workers=2)
    assert ex.name == "dask" and ex.workers == 2
    # scratch space in this test's folder, not in the machine's shared temporary folder
    assert all(p.startswith(str(tmp_path)) for p in ex._client.run(_scratch).values())
    assert lines_of(ex, plan) == serial_lines


def _worker_setup() -> tuple:
    import logging

    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN, logging.getLogger("distributed").level


def test_dask_local_workers_ignore_ctrl_c_and_stay_quiet_even_after_a_restart(plan):
    """Ctrl+C is the parent's to handle; a restarted worker (memory limit, crash) must be set up too."""
    import logging

    ex = make_executor(plan, "dask", workers=1)
    try:
        assert set(ex._client.run(_worker_setup).values()) == {(True, logging.CRITICAL)}
        ex._client.restart()
        assert set(ex._client.run(_worker_setup).values()) == {(True, logging.CRITICAL)}
    finally:
        ex.close()


def test_dask_joins_an_existing_cluster(plan, serial_lines, monkeypatch):
    import distributed  # a test dependency (pyproject [test]): missing, it fails
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        ex = make_executor(plan, "dask", scheduler=cluster.scheduler_address, timeout=10)
        assert ex.workers == 1 and ex.scheduler == cluster.scheduler_address
        assert lines_of(ex, plan, runs=20) == serial_lines[:20]
        monkeypatch.setattr("simulator.batch.executors.__version__", "0.0.0-other")
        with pytest.raises(InputError, match="install the same version everywhere"):
            make_executor(plan, "dask", scheduler=cluster.scheduler_address, timeout=10)


def test_a_port_that_is_not_a_scheduler_fails_within_the_timeout(plan):
    """A Client alone would wait forever on a server that accepts but never answers in Dask."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        began = time.monotonic()
        with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
            make_executor(plan, "dask", scheduler=address, timeout=1.5)
        assert time.monotonic() - began < 10
    with pytest.raises(InputError, match="missing port"):
        make_executor(plan, "dask", scheduler="not an address", timeout=1)


def test_batch_lines_are_run_headless_results(plan):
    """The worker plays from the loaded plan; it must answer exactly what run_headless answers."""
    for seed in (0, 7, 19):
        mine = run_seed(plan, seed)[0]
        theirs = run_headless(MINI, seed=seed, policy="textbook", until=UNTIL).to_json()
        theirs.pop("series")
        assert json.dumps(mine, sort_keys=True) == json.dumps(theirs, sort_keys=True)


def test_seed_start_offsets_the_same_runs(plan, serial_lines):
    later = lines_of(SerialExecutor(plan), plan, runs=5, seed_start=50)
    strip = lambda line: {k: v for k, v in json.loads(line).items() if k != "index"}  # noqa: E731
    assert [strip(x) for x in later] == [strip(x) for x in serial_lines[50:55]]


def test_chunks_cover_every_seed_once():
    for runs, workers in ((1, 8), (7, 2), (200, 2), (10_000, 2), (10_000, 64)):
        size = chunk_size(runs, workers)
        assert 1 <= size <= 16
        parts = list(chunks(range(runs), size))
        assert [s for part in parts for s in part] == list(range(runs))


def test_memory_per_seed_is_a_few_floats(plan):
    outcome = run_batch(plan, SerialExecutor(plan), runs=30)
    cols = outcome.columns["baseline"]
    assert outcome.completed == 30 and not outcome.interrupted
    assert cols.nbytes() == 30 * 8 * len(cols.names())


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_is_a_clear_error_within_the_timeout(plan):
    address = f"tcp://127.0.0.1:{_closed_port()}"
    began = time.monotonic()
    with pytest.raises(InputError) as err:
        make_executor(plan, "dask", scheduler=address, timeout=2)
    assert time.monotonic() - began < 15
    d = err.value.diagnostics[0]
    assert d.file == "--scheduler" and address in d.message and "cannot reach" in d.message


def test_executor_option_errors(plan):
    with pytest.raises(InputError, match="at least 1"):
        make_executor(plan, "local", workers=0)
    with pytest.raises(InputError, match="goes with --executor dask"):
        make_executor(plan, "local", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(InputError, match="unknown executor"):
        make_executor(plan, "threads", workers=2)


class _CtrlCOnWrite:
    """A result file that gets a real SIGINT while its `nth` write is in progress."""

    def __init__(self, fh, nth: int):
        self._fh, self._left = fh, nth

    def write(self, text: str) -> int:
        written = self._fh.write(text)
        self._left -= 1
        if self._left == 0:
            os.kill(os.getpid(), signal.SIGINT)
        return written

    def flush(self) -> None:
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


@pytest.mark.parametrize("nth", [2, 3, 5])
def test_ctrl_c_during_a_write_keeps_file_end_line_and_summary_in_step(plan, tmp_path, nth):
    """Regression: a Ctrl+C re-raised as the write finished left the end line one seed short of the file."""
    out = tmp_path / "r.jsonl"
    writer = ResultWriter(out, make_header(plan, 50, 0, "textbook", "serial", 1, None))
    writer._fh = _CtrlCOnWrite(writer._fh, nth)  # the header is already written: write n is seed n
    outcome = run_batch(plan, SerialExecutor(plan), 50, writer=writer)
    result = read_results(out)
    assert outcome.interrupted and result.end is not None and result.end.interrupted
    assert result.end.runs == len(result.runs) == outcome.completed == nth
    assert all(column.count == nth for column in outcome.columns.values())


def test_a_ctrl_c_while_workers_start_is_held_not_lost():
    """Regression: multiprocessing starts its resource tracker (with the first pool) by blocking
    then unblocking SIGINT; inside `_sigint_held`, where SIGINT is ignored, that unblock let a
    Ctrl+C be discarded and the batch ran to its end (test_batch_cli's Ctrl+C-while-starting
    test hung now and then)."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        """
        import os, signal
        from multiprocessing import resource_tracker
        from simulator.batch.executors import _sigint_held
        try:
            with _sigint_held():
                resource_tracker.ensure_running()  # what creating the first pool does
                os.kill(os.getpid(), signal.SIGINT)
        except KeyboardInterrupt:
            print("held, then delivered")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout.strip() == "held, then delivered", done.stderr
