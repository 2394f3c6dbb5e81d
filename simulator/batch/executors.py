"""Where batch runs execute: this process, a local process pool, or a Dask cluster.

Every executor yields `(seed, results)` in seed order while keeping only a
bounded window of tasks in flight, so memory stays flat however many runs a
batch has, and results stream to the file as they come. A run depends only on
(plan, seed), never on the worker or the order tasks ran in, so every executor
and worker count give the same lines.

Dask (`pip install cyberdrill[cluster]`) is the distributed engine: with no
scheduler address a LocalCluster of `workers` single-threaded processes is
started; with `tcp://host:8786` the batch joins an existing cluster, whose
workers need CyberDrill installed (they receive the loaded plan, not files).
"""

from __future__ import annotations

import collections
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
from typing import Any, Iterator, Sequence

from simulator.batch.plan import Plan
from simulator import __version__
from simulator.batch.worker import install, run_chunk, software_version
from simulator.model.diagnostics import Diagnostic, InputError, one_line

Results = Iterator[tuple[int, list[dict[str, Any]]]]

CONNECT_TIMEOUT = 10.0


class RunFailed(Exception):
    """A run raised inside a worker: the batch stops (the engine has a bug, not the input)."""


class SchedulerLost(InputError):
    """The Dask scheduler went away (killed, network cut): the batch stops with one line and exit 2,
    like a scheduler unreachable at the start; the result file keeps the completed seeds."""


def _quiet_dask_logs() -> None:
    """A lost scheduler makes distributed's client log tracebacks at ERROR: the batch says it in
    one line of its own instead."""
    for name in ("distributed", "distributed.client", "distributed.core", "distributed.comm", "tornado.application", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _connection_lost(exc: BaseException, client: Any) -> bool:
    """Whether a task's failure is the scheduler's connection going, not the task's own error."""
    import asyncio
    import concurrent.futures

    try:
        from distributed.comm.core import CommClosedError
    except ImportError:  # pragma: no cover - distributed is there whenever a client is
        CommClosedError = OSError  # type: ignore[misc,assignment]  # noqa: N806
    if isinstance(exc, (CommClosedError, asyncio.CancelledError, concurrent.futures.CancelledError, ConnectionError, TimeoutError)):
        return True
    return getattr(client, "status", "running") != "running"


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """Start worker processes with Ctrl+C ignored (an ignored signal stays ignored across exec),
    and hold a Ctrl+C pressed meanwhile instead of losing it: SIGINT is blocked as well, so it
    stays pending and is delivered, as KeyboardInterrupt, when the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # multiprocessing starts its resource tracker with SIGINT blocked, then unblocks it: started
    # inside this block, that unblock let a Ctrl+C through while SIGINT was ignored, and the
    # batch ran on to its end. Started first, it leaves the mask alone.
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def chunk_size(runs: int, workers: int) -> int:
    """Seeds per task: several tasks per worker for balance, small enough for a lively progress bar."""
    return max(1, min(16, runs // max(1, workers * 16)))


def chunks(seeds: Sequence[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(seeds), size):
        yield list(seeds[i:i + size])


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class SerialExecutor:
    """Runs in this process: one worker, no start-up cost (used for --workers 1)."""

    name = "local"

    def __init__(self, plan: Plan):
        self.plan = plan
        self.workers = 1

    def run(self, seeds: Sequence[int]) -> Results:
        for seed in seeds:
            yield from run_chunk([seed], self.plan)

    def close(self) -> None:
        return None

    def abort(self) -> None:
        return None


class LocalExecutor:
    """A pool of `workers` processes, each given the plan once at start."""

    name = "local"

    def __init__(self, plan: Plan, workers: int):
        self.plan = plan
        self.workers = workers
        ctx = multiprocessing.get_context("spawn")  # safe beside threads (the progress bar), same on every OS
        self._pool = None
        try:
            with _sigint_held():  # inherited through exec: workers ignore Ctrl+C from their first instruction
                self._pool = ctx.Pool(processes=workers, initializer=install, initargs=(plan,))
        except KeyboardInterrupt:  # pressed while the pool started: held until now, then the pool goes
            if self._pool is not None:
                self.abort()
            raise

    def run(self, seeds: Sequence[int]) -> Results:
        size = chunk_size(len(seeds), self.workers)
        pending: collections.deque = collections.deque()
        window = 4 * self.workers
        for part in chunks(seeds, size):
            pending.append(self._pool.apply_async(run_chunk, (part,)))
            if len(pending) >= window:
                yield from _get(pending.popleft())
        while pending:
            yield from _get(pending.popleft())

    def close(self) -> None:
        self._pool.close()
        self._pool.join()

    def abort(self) -> None:
        self._pool.terminate()
        self._pool.join()


def _get(async_result) -> list:
    try:
        return async_result.get()
    except Exception as exc:  # a worker's exception, re-raised here
        raise RunFailed(f"{type(exc).__name__}: {one_line(str(exc))}") from exc


def _unreachable(address: str, timeout: float, exc: BaseException) -> InputError:
    detail = one_line(str(exc)) or ("no answer" if isinstance(exc, TimeoutError) else type(exc).__name__)
    return InputError([Diagnostic("--scheduler", 1, 1, "error", f"cannot reach the Dask scheduler at {address} within {timeout:g} s: {detail}")])


def _probe_scheduler(address: str, timeout: float) -> None:
    """Ask `address` who it is, with a hard deadline, before building a Client.

    A Client waits without end on a port that accepts connections but does not
    speak Dask (a web server), and leaves a noisy half-built object behind on a
    bad address; one identity call under `wait_for` fails cleanly in every case.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.core import rpc

    async def identity() -> dict:
        remote = rpc(address, timeout=timeout)
        try:
            return await remote.identity()
        finally:
            await remote.close_rpc()

    def ask() -> dict:
        return asyncio.run(asyncio.wait_for(identity(), timeout))

    try:
        with ThreadPoolExecutor(1) as pool:  # its own event loop, whatever the caller runs
            info = pool.submit(ask).result()
    except Exception as exc:  # noqa: BLE001 (refused, timed out, garbage, bad address: all one error line)
        raise _unreachable(address, timeout, exc) from None
    if not isinstance(info, dict) or info.get("type") != "Scheduler":
        kind = info.get("type") if isinstance(info, dict) else type(info).__name__
        raise InputError([Diagnostic("--scheduler", 1, 1, "error", f"{address} answers but is not a Dask scheduler (it says it is a {kind})")])


class DaskExecutor:
    """Tasks on a Dask cluster: a LocalCluster of `workers` processes, or the cluster at `scheduler`."""

    name = "dask"

    def __init__(self, plan: Plan, workers: int, scheduler: str | None = None, timeout: float = CONNECT_TIMEOUT):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError([Diagnostic("--executor", 1, 1, "error", "the dask executor needs the cluster extra: pip install 'cyberdrill[cluster]'")]) from None
        self.plan = plan
        self.scheduler = scheduler
        self._cluster = None
        self._client = None
        if scheduler is None:
            try:
                # a Ctrl+C while the cluster starts is held, then stops it cleanly: interrupting
                # distributed mid-start leaves it printing tracebacks
                with _sigint_held():
                    self._cluster = LocalCluster(
                        n_workers=workers, threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=logging.ERROR,
                    )
                    self._client = Client(self._cluster, set_as_default=False)
                    # Ctrl+C reaches the whole process group: only this process stops the batch.
                    from simulator.batch.dask_plugin import QuietLocalWorker

                    self._client.register_plugin(QuietLocalWorker())
            except KeyboardInterrupt:
                if self._cluster is not None:
                    self.abort()
                raise
        else:
            _probe_scheduler(scheduler, timeout)
            _quiet_dask_logs()
            try:
                self._client = Client(scheduler, timeout=timeout, set_as_default=False)
            except Exception as exc:  # noqa: BLE001 (gone between the probe and the connection)
                raise _unreachable(scheduler, timeout, exc) from None
        try:
            info = self._client.scheduler_info()
            self.workers = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))
            if scheduler is not None:
                self._check_workers(scheduler, info)
            # One copy of the plan per worker, not one per task.
            self._plan_future = self._client.scatter(plan, broadcast=True, hash=False)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 (the scheduler went while the batch was starting)
            if not _connection_lost(exc, self._client):
                raise
            self.abort()
            raise self._lost(exc, "while the batch was starting") from None
        self.done = 0

    def _check_workers(self, scheduler: str, info: dict) -> None:
        """A joined cluster must have workers running this very CyberDrill (results would differ otherwise)."""
        problem = None
        if not info.get("workers"):
            problem = f"the Dask cluster at {scheduler} has no workers"
        else:
            try:
                versions = self._client.run(software_version)
            except Exception as exc:  # noqa: BLE001 (a worker without the package cannot even unpickle the call)
                problem = f"the workers of {scheduler} cannot run CyberDrill (install cyberdrill {__version__} on every worker): {one_line(str(exc)) or type(exc).__name__}"
            else:
                other = sorted({v for v in versions.values() if v != __version__})
                if other:
                    problem = f"the workers of {scheduler} run CyberDrill {', '.join(other)}, this batch {__version__}: install the same version everywhere"
        if problem is not None:
            self.close()
            raise InputError([Diagnostic("--scheduler", 1, 1, "error", problem)])

    def run(self, seeds: Sequence[int]) -> Results:
        size = chunk_size(len(seeds), self.workers)
        pending: collections.deque = collections.deque()
        window = 4 * self.workers
        for part in chunks(seeds, size):
            pending.append(self._client.submit(run_chunk, part, self._plan_future, pure=False))
            if len(pending) >= window:
                yield from self._get(pending.popleft())
        while pending:
            yield from self._get(pending.popleft())

    def _get(self, future) -> list:
        try:
            results = future.result()
        except Exception as exc:
            if _connection_lost(exc, self._client):
                self.abort()
                raise self._lost(exc, f"after {self.done} completed seed(s)") from None
            raise RunFailed(f"{type(exc).__name__}: {one_line(str(exc))}") from exc
        self.done += len(results)
        return results

    def _lost(self, exc: BaseException, when: str) -> SchedulerLost:
        where = self.scheduler or "the LocalCluster"
        detail = one_line(str(exc)) or type(exc).__name__
        return SchedulerLost([Diagnostic("--scheduler", 1, 1, "error", f"lost the Dask scheduler at {where} {when}: {detail}")])

    def close(self) -> None:
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    def abort(self) -> None:
        # Tearing down a cluster mid-task makes tornado and distributed log the
        # cancelled tasks' tracebacks: noise after a Ctrl+C the user asked for.
        _quiet_dask_logs()
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        # a client whose scheduler is gone would retry it for its whole timeout
        with contextlib.suppress(Exception):
            if client is not None:
                client.close(timeout=2)
        if cluster is not None:
            cluster.close()


def make_executor(plan: Plan, kind: str = "local", workers: int | None = None, scheduler: str | None = None, timeout: float = CONNECT_TIMEOUT):
    """The executor asked for on the command line."""
    if workers is not None and workers < 1:
        raise InputError([Diagnostic("--workers", 1, 1, "error", f"--workers must be at least 1, not {workers}")])
    if scheduler is not None and kind != "dask":
        raise InputError([Diagnostic("--scheduler", 1, 1, "error", "--scheduler goes with --executor dask")])
    n = workers or default_workers()
    if kind == "dask":
        return DaskExecutor(plan, n, scheduler, timeout)
    if kind != "local":
        raise InputError([Diagnostic("--executor", 1, 1, "error", f"unknown executor '{kind}': use local or dask")])
    return SerialExecutor(plan) if n == 1 else LocalExecutor(plan, n)
