"""Set-up of the worker processes of a LocalCluster that a batch starts (imported only with the cluster extra)."""

from __future__ import annotations

from distributed import WorkerPlugin

from simulator.batch.worker import quiet_local_worker


class QuietLocalWorker(WorkerPlugin):
    """Registered as a plugin, not run once: a worker its nanny restarts (memory limit, crash)
    gets the same set-up as the first ones."""

    name = "cyberdrill-quiet-local-worker"

    def setup(self, worker) -> None:
        quiet_local_worker()
