"""Shared test fixtures: paths of the repository and a CLI runner on the real command group."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
REFERENCE_NETWORK = SCENARIOS / "networks" / "ch-reference.yaml"


def _runner() -> CliRunner:
    """stdout and stderr apart: click 8.2+ always, click 8.1 (the declared minimum) when asked."""
    try:
        return CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2: no such argument, streams always apart
        return CliRunner()


@pytest.fixture(scope="session")
def cli_app():
    from simulator.cli import _load_commands, cli

    _load_commands()
    return cli


@pytest.fixture
def run_cli(cli_app, monkeypatch):
    """Run `cyberdrill ARGS...` in-process; returns (exit_code, stdout, stderr)."""

    def run(*args: str, cwd: Path | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        runner = _runner()
        result = runner.invoke(cli_app, [str(a) for a in args], catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr

    return run


@pytest.fixture
def tmp_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def _dask_scratch_in_tmp_path(tmp_path, monkeypatch):
    """Dask workers keep their scratch space under the test's own folder, never in a shared
    place of the system's temporary folder (`dask-scratch-space` there is shared with whatever
    else runs on the machine)."""
    scratch = str(tmp_path / "dask-scratch")
    monkeypatch.setenv("DASK_TEMPORARY_DIRECTORY", scratch)  # subprocesses, and dask imported later
    dask = sys.modules.get("dask.config")
    if dask is None:
        yield
        return
    with dask.set({"temporary-directory": scratch}):
        yield


os.environ.setdefault("CYBERDRILL_TEST", "1")
