"""The batch result file: header, run and end lines; whole lines only; clear errors on damaged files."""

from __future__ import annotations

import json

import pytest

from simulator.batch.results import (
    BatchHeader,
    BatchOptions,
    FileDigest,
    ResultWriter,
    Software,
    dumps_line,
    read_results,
    run_line,
)
from simulator.model.diagnostics import InputError


def header(**changes) -> BatchHeader:
    base = dict(
        created="2026-03-14T01:00:00+00:00",
        software=Software(version="0.1.0", python="3.11.7"),
        scenario=FileDigest(file="scenarios/s.yaml", sha256="a" * 64, id="s"),
        network=FileDigest(file="scenarios/networks/n.yaml", sha256="b" * 64, id="n"),
        options=BatchOptions(runs=3, seed_start=10, policy="textbook", until="end", executor="local", workers=2),
        arms=["baseline"],
    )
    base.update(changes)
    return BatchHeader(**base)


def engine_result(seed: int) -> dict:
    return {
        "scenario": "s", "seed": seed, "policy": "textbook", "until": "end", "sim_minutes": 4320.0, "events": 1200 + seed,
        "recovered_at": None, "commands_accepted": 4, "commands_refused": 0,
        "kpis": {"ehr_downtime_minutes": 600.0 + seed, "service_downtime_minutes": {"ehr": 600.0 + seed}},
        "clocks": [{"id": "gdpr-72h", "state": "met", "started": 0.0, "deadline": 4320.0, "met_at": 90.0}],
        "objectives": [{"id": "alert", "rating": "P", "tasks": [{"id": "cert", "rating": "P", "auto": True}]}],
    }


def write(path, seeds, interrupted=False, arms=("baseline",)):
    w = ResultWriter(path, header(arms=list(arms)))
    for i, seed in enumerate(seeds):
        w.write_seed([run_line(engine_result(seed), i, arm) for arm in arms])
    w.close(interrupted=interrupted)
    return w


def test_round_trip(tmp_path):
    path = tmp_path / "r.jsonl"
    write(path, [10, 11, 12], arms=("baseline", "offline-backups"))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 6 + 1
    first = json.loads(lines[0])
    assert first["type"] == "header" and first["scenario"]["sha256"] == "a" * 64 and first["options"]["seed_start"] == 10
    result = read_results(path)
    assert result.complete and result.end.runs == 3
    assert [(r.seed, r.arm, r.index) for r in result.runs[:3]] == [(10, "baseline", 0), (10, "offline-backups", 0), (11, "baseline", 1)]
    assert result.runs[0].kpis["ehr_downtime_minutes"] == 610.0
    assert result.runs[0].clocks[0].met_at == 90.0
    assert result.runs[0].objectives[0].rating == "P"
    assert "series" not in lines[1]


def test_lines_are_canonical_bytes():
    a = run_line(engine_result(3), 0, "baseline")
    b = dict(reversed(list(a.items())))
    assert dumps_line(a) == dumps_line(b)
    assert dumps_line(a).endswith("\n") and "\n" not in dumps_line(a)[:-1]
    with pytest.raises(ValueError):
        dumps_line({"x": float("nan")})


def test_interrupted_batch_is_readable_and_says_so(tmp_path):
    path = tmp_path / "r.jsonl"
    write(path, [0, 1], interrupted=True)
    result = read_results(path)
    assert not result.complete and result.end.interrupted and len(result.runs) == 2


def test_file_without_end_line_is_incomplete_not_invalid(tmp_path):
    path = tmp_path / "r.jsonl"
    write(path, [0, 1])
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    result = read_results(path)
    assert result.end is None and not result.complete and len(result.runs) == 2


@pytest.mark.parametrize(
    ("mutate", "line", "message"),
    [
        (lambda ls: ls[:-1] + [ls[-1].rstrip("\n")], 4, "incomplete last line"),
        (lambda ls: ls[:2] + ["{not json\n"] + ls[2:], 3, "not JSON"),
        (lambda ls: ls[1:], 1, "first line must be the header"),
        (lambda ls: ls[:2] + [ls[0]] + ls[2:], 3, "a second header"),
        (lambda ls: ls + [ls[1]], 5, "after the end line"),
        (lambda ls: ls[:1] + [ls[1].replace('"type":"run"', '"type":"walk"')] + ls[2:], 2, "unknown line type"),
        (lambda ls: ls[:1] + [ls[1].replace('"seed":0', '"seed":"zero"')] + ls[2:], 2, "seed"),
        (lambda ls: ls[:1] + ["[1, 2]\n"] + ls[1:], 2, "JSON object"),
    ],
)
def test_damaged_files_give_one_positioned_error(tmp_path, mutate, line, message):
    path = tmp_path / "r.jsonl"
    write(path, [0, 1])
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(mutate(lines)), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_results(path)
    d = err.value.diagnostics[0]
    assert d.file == str(path) and d.line == line and message in d.message


def test_empty_missing_and_unwritable(tmp_path):
    empty = tmp_path / "e.jsonl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="no header"):
        read_results(empty)
    with pytest.raises(InputError, match="cannot read"):
        read_results(tmp_path / "missing.jsonl")
    with pytest.raises(InputError, match="does not exist"):
        ResultWriter(tmp_path / "no" / "such" / "r.jsonl", header())


def test_a_result_line_nested_too_deeply_is_a_positioned_error(tmp_path):
    path = tmp_path / "r.jsonl"
    write(path, [0])
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + "[" * 100_000 + "]" * 100_000 + "\n" + "".join(lines[1:]), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_results(path)
    assert info.value.diagnostics[0].line == 2 and "nested too deeply" in info.value.diagnostics[0].message
