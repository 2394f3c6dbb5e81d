"""A disk that fills up while CyberDrill writes: one line naming the file written, exit 2, and a
file that ends at a complete line (a real small filesystem: tests/small_disk.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from simulator.batch.results import read_results
from simulator.model.diagnostics import InputError
from tests.small_disk import run_on_small_disk

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"
FLAGSHIP = ROOT / "scenarios" / "ransomware-weekend-night.yaml"
CLI = [sys.executable, "-m", "simulator"]


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_a_full_disk_while_journaling_blames_the_journal_and_keeps_it_resumable(tmp_path, run_cli):
    """Regression: `run --log` on a full disk said `scenario.yaml:1:1: error: cannot read: No
    space left on device`, blaming the scenario."""
    disk = tmp_path / "disk"
    done, after = run_on_small_disk([*CLI, "run", str(FLAGSHIP), "--until", "recovery", "--log", "journal.jsonl"], disk, 48 * 1024)
    assert done.returncode == 2, (done.returncode, done.stderr)
    line = _one_error_line(done.stderr)
    assert line.split(":")[0].endswith("journal.jsonl"), line
    assert "cannot write the journal" in line and FLAGSHIP.name not in line, line
    kept = after / "journal.jsonl"
    raw = kept.read_bytes()
    assert raw and raw.endswith(b"\n"), "the journal ends mid-line"
    # what is left is a whole, unsealed journal: resumable once there is room again
    code, _out, err = run_cli("log", "verify", kept)
    assert code == 1 and "seal" in err.lower(), err
    code, _out, err = run_cli("resume", kept)
    assert code == 0, err
    code, _out, err = run_cli("log", "verify", kept)
    assert code == 0, err


def test_a_full_disk_before_the_header_leaves_no_journal(tmp_path):
    # the disk is full from the start, so even the header (about 1 KB) cannot be written
    done, after = run_on_small_disk([*CLI, "run", str(MINI), "--log", "journal.jsonl"], tmp_path / "disk", 4096, full=True)
    assert done.returncode == 2, done.stderr
    line = _one_error_line(done.stderr)
    assert "journal.jsonl" in line and "cannot write the journal" in line and "nothing was written" in line, line
    assert not (after / "journal.jsonl").exists(), "an empty journal would block the next attempt"


def test_a_full_disk_during_batch_out_stops_at_a_whole_seed(tmp_path):
    """Regression: a traceback and exit 1, and a result file ending mid-line."""
    disk = tmp_path / "disk"
    argv = [*CLI, "batch", str(MINI), "--runs", "400", "--until", "2h", "--workers", "1", "--out", "runs.jsonl"]
    done, after = run_on_small_disk(argv, disk, 24 * 1024)
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    line = _one_error_line("\n".join(x for x in done.stderr.splitlines() if not x.startswith("wrote ")))
    assert "runs.jsonl:" in line and "cannot write" in line and "complete seed" in line, line
    raw = (after / "runs.jsonl").read_bytes()
    assert raw.endswith(b"\n"), "the result file ends mid-line"
    result = read_results(after / "runs.jsonl")
    assert result.end is None and 0 < len(result.runs) < 400
    assert [r.seed for r in result.runs] == list(range(len(result.runs)))
    assert all(json.loads(x) for x in raw.decode().splitlines())


def test_the_result_writer_rolls_back_a_half_written_line(tmp_path, monkeypatch):
    """The writer's own guarantee, with the kernel's short write and failure played by os.write."""
    import os

    from simulator.batch import results

    header = read_results(_small_batch(tmp_path)).header
    out = tmp_path / "again.jsonl"
    writer = results.ResultWriter(out, header)
    size = out.stat().st_size
    real_write = os.write
    calls = {"n": 0}

    def half_then_full(fd, data):
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer._fh, "write", lambda data: half_then_full(writer._fh.fileno(), data))
    try:
        writer.write_seed([{"seed": 1, "filler": "x" * 500}])
    except InputError as exc:
        (d,) = exc.diagnostics
    else:
        raise AssertionError("the failed write was not reported")
    assert d.line == 2 and "No space left on device" in d.message
    assert out.stat().st_size == size, "half a line stayed in the file"
    writer.abandon()


def _small_batch(tmp_path: Path) -> Path:
    import subprocess

    out = tmp_path / "small.jsonl"
    subprocess.run([*CLI, "batch", str(MINI), "--runs", "1", "--until", "1h", "--workers", "1", "--out", str(out)], check=True, capture_output=True)
    return out
