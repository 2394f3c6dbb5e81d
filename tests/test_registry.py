"""The registry: two years of exercises, items closed in between and shown in the next report,
refusals (tampered or unsealed journal, newer database, not a registry), versioned migrations,
and a process killed during `registry add` (real subprocess, real SQLite file)."""

from __future__ import annotations

import csv
import html as htmllib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

import simulator.journal.writer as writer
from simulator.journal.session import RecordedExercise
from simulator.registry.db import APPLICATION_ID, LATEST, MIGRATIONS, SLOW_ENV, Registry
from tests.test_report import MINI

CYBERDRILL = Path(sys.executable).parent / "cyberdrill"


def _played(monkeypatch, when: datetime) -> None:
    monkeypatch.setattr(writer, "_utc_now", lambda: when)


def _year(path: Path, monkeypatch, when: datetime, *, good: bool) -> Path:
    """One exercise on the miniature hospital: a slow cell the first year, a quick one the next."""
    _played(monkeypatch, when)
    rec = RecordedExercise.start(MINI, 3, "fr", path, participants=[{"name": "Dr Martin", "role": "direction"}, {"name": "M. Petit", "role": "evaluator"}])
    rec.advance(20)
    if good:
        for text in ("declare-crisis", "degraded-mode emergency", "notify cert-sante", "notify cnil"):
            rec.submit(text, by_role="direction")
    rec.advance(200)
    rec.submit("rate alert crisis-cell " + ("P" if good else "M"), by_role="evaluator")
    rec.advance(4320)
    rec.finish()
    monkeypatch.undo()
    return path


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    folder = tmp_path_factory.mktemp("years")
    mp = pytest.MonkeyPatch()
    first = _year(folder / "2025.jsonl", mp, datetime(2025, 3, 14, 9, 0, tzinfo=timezone.utc), good=False)
    second = _year(folder / "2026.jsonl", mp, datetime(2026, 3, 13, 9, 0, tzinfo=timezone.utc), good=True)
    return first, second


def test_two_years_closed_items_show_in_the_next_report(run_cli, years, tmp_path):
    first, second = years
    db = tmp_path / "reg.sqlite3"
    code, out, err = run_cli("registry", "--db", str(db), "add", str(first))
    assert code == 0 and "n°1" in out, err
    code, out, _ = run_cli("registry", "--db", str(db), "items", "--json")
    got = json.loads(out)
    assert "format_version" in got
    items = got["items"]
    assert len(items) >= 2 and all(i["status"] == "open" for i in items)
    closed, dropped = items[0], items[1]
    code, out, err = run_cli("registry", "--db", str(db), "update", str(closed["id"]), "--status", "done", "--evidence", "Fiche réflexe validée en CODIR", "--on", "2025-09-01")
    assert code == 0, err
    code, _out, err = run_cli("registry", "--db", str(db), "update", str(dropped["id"]), "--status", "dropped", "--note", "remplacé", "--on", "2025-10-01")
    assert code == 0, err
    code, out, err = run_cli("registry", "--db", str(db), "add", str(second))
    assert code == 0 and "n°2" in out, err
    report = tmp_path / "2026.html"
    code, _out, err = run_cli("log", "report", str(second), "--db", str(db), "-o", str(report))
    assert code == 0, err
    html = htmllib.unescape(report.read_text(encoding="utf-8"))
    assert "Suivi du plan d'amélioration précédent" in html
    assert closed["action_fr"] in html and "clôturée" in html and "Fiche réflexe validée en CODIR" in html
    assert "abandonnée" in html
    assert "1 action(s) sur" in html  # closed since
    # the evidence pack lists the items closed in the period, the exercises, participants and proofs
    pack = tmp_path / "pack.html"
    code, _out, err = run_cli("registry", "--db", str(db), "pack", "-o", str(pack), "--since", "2025-01-01", "--until", "2026-12-31")
    assert code == 0, err
    text = htmllib.unescape(pack.read_text(encoding="utf-8"))
    assert closed["action_fr"] in text and "Dr Martin" in text and text.count("<code>") >= 2
    csv_path = tmp_path / "pack.csv"
    code, _out, err = run_cli("registry", "--db", str(db), "--lang", "en", "pack", "-o", str(csv_path), "--format", "csv", "--since", "2025-01-01", "--until", "2026-12-31")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "Exercise no." and any(r[12] == "done" for r in rows[1:])
    # trends of the same scenario across the two years
    code, out, err = run_cli("registry", "--db", str(db), "trends", "--scenario", "mini-ransomware", "--json")
    got = json.loads(out)["trends"]
    assert [g["played_on"] for g in got] == ["2025-03-14", "2026-03-13"]
    assert got[0]["items"]["done"] == 1 and got[0]["items"]["dropped"] == 1


def test_same_journal_twice_is_one_exercise(run_cli, years, tmp_path):
    db = tmp_path / "reg.sqlite3"
    assert run_cli("registry", "--db", str(db), "add", str(years[0]))[0] == 0
    code, out, _ = run_cli("registry", "--db", str(db), "add", str(years[0]))
    assert code == 0 and "déjà enregistré" in out
    with Registry.open(db) as reg:
        assert reg.rows("SELECT count(*) AS n FROM exercises")[0]["n"] == 1


def test_tampered_or_unsealed_journal_is_refused(run_cli, years, tmp_path):
    db = tmp_path / "reg.sqlite3"
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(years[0].read_bytes().replace(b'"M"', b'"P"', 1))
    code, out, err = run_cli("registry", "--db", str(db), "add", str(bad))
    assert code == 1 and len(err.strip().splitlines()) == 1 and not db.exists()
    cut = tmp_path / "cut.jsonl"
    lines = years[0].read_bytes().splitlines(keepends=True)
    cut.write_bytes(b"".join(lines[:-1]))
    code, out, err = run_cli("registry", "--db", str(db), "add", str(cut))
    assert code == 1 and "not sealed" in err and not db.exists()


def test_no_registry_yet_lists_nothing_and_creates_nothing(run_cli, tmp_path):
    db = tmp_path / "none.sqlite3"
    for args in (("list",), ("items",), ("trends",)):
        code, out, err = run_cli("registry", "--db", str(db), *args)
        assert code == 0 and out.strip() and not err
    code, _out, err = run_cli("registry", "--db", str(db), "show", "1")
    assert code == 2 and "no registry here" in err
    assert not db.exists()


def test_newer_database_is_refused(run_cli, tmp_path):
    db = tmp_path / "new.sqlite3"
    Registry.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.commit()
    conn.close()
    for args in (("list",), ("items",), ("pack", "-o", str(tmp_path / "p.html"))):
        code, _out, err = run_cli("registry", "--db", str(db), *args)
        assert code == 2 and "newer CyberDrill" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "p.html").exists()


def test_something_else_is_not_a_registry(run_cli, tmp_path):
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    text = tmp_path / "notes.txt"
    text.write_text("hello\n" * 100, encoding="utf-8")
    for path in (other, text, tmp_path):
        code, _out, err = run_cli("registry", "--db", str(path), "list")
        assert code == 2 and "registry" in err and len(err.strip().splitlines()) == 1


def test_opening_a_new_registry_at_once_migrates_it_once(tmp_path):
    """Several openers on a file that does not exist yet (two commands started together): one
    migrates, the others find it done under the write lock (they used to run it again and fail)."""
    import threading

    db = tmp_path / "race.sqlite3"
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def opener() -> None:
        barrier.wait()
        try:
            Registry.open(db).close()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert errors == []
    with Registry.open(db) as reg:
        assert reg.version == LATEST


def test_a_registry_migrated_between_the_reads_of_its_header_is_not_something_else(tmp_path, monkeypatch):
    """Regression (the test above failed now and then, 2 openers of 8): the opener read the
    application id before another opener's migration committed and the schema version and tables
    after it, and called the registry 'an SQLite database of something else'. Here the other
    opener runs, on its own connection, right after the first statement that reads the header."""
    db = tmp_path / "race.sqlite3"
    real_connect = sqlite3.connect
    state = {"victim": None, "after_header": False, "done": False}

    class Interleaved(sqlite3.Connection):
        def execute(self, sql, *args):
            if self is state["victim"] and state["after_header"] and not state["done"]:
                state["done"] = True
                Registry.open(db).close()  # another command's whole migration, committed
            cursor = super().execute(sql, *args)
            if self is state["victim"] and "application_id" in sql:
                state["after_header"] = True
            return cursor

    def connect(*args, **kwargs):
        if state["victim"] is None:
            conn = real_connect(*args, factory=Interleaved, **kwargs)
            state["victim"] = conn
            return conn
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    with Registry.open(db) as reg:
        assert state["done"] and reg.version == LATEST


def test_migrations_bring_an_old_database_up_to_date(tmp_path):
    db = tmp_path / "v1.sqlite3"
    conn = sqlite3.connect(db)
    conn.executescript(MIGRATIONS[0][1])
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Registry.open(db) as reg:
        assert reg.version == LATEST
        names = {r["name"] for r in reg.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"exercises", "items", "item_history", "kpis"} <= names


@pytest.mark.parametrize(
    "args, message",
    [
        (("update", "1", "--status", "finished"), "status"),
        (("update", "1", "--status", "done", "--on", "01/09/2025"), "is not a date"),
        (("update", "99", "--status", "done"), "no improvement item #99"),
        (("update", "1"), "nothing to change"),
        (("items", "--status", "closed"), "unknown status"),
        (("show", "7"), "no exercise #7"),
        (("trends", "--kpi", "happiness"), "unknown indicator"),
        (("pack", "-o", "x.html", "--since", "2026-02-01", "--until", "2026-01-01"), "after --until"),
    ],
)
def test_bad_input_is_one_line_exit_2(run_cli, years, tmp_path, args, message):
    db = tmp_path / "reg.sqlite3"
    assert run_cli("registry", "--db", str(db), "add", str(years[0]))[0] == 0
    code, _out, err = run_cli("registry", "--db", str(db), *args, cwd=tmp_path)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err


def test_kill_during_add_leaves_the_database_consistent(years, tmp_path):
    """A real `cyberdrill registry add` killed with SIGKILL in the middle of its transaction."""
    db = tmp_path / "reg.sqlite3"
    Registry.open(db).close()  # the schema exists: the only write transaction left is the add's
    env = {**os.environ, SLOW_ENV: "0.4"}
    proc = subprocess.Popen([str(CYBERDRILL), "registry", "--db", str(db), "add", str(years[0])], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    journal = Path(str(db) + "-journal")
    deadline = time.monotonic() + 60
    seen = False
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists():  # the rollback journal: the add's transaction has begun
            seen = True
            break
        time.sleep(0.02)
    time.sleep(0.5)  # well inside the transaction: several slow writes remain
    assert seen and proc.poll() is None, "the add finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM exercises").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == 0
    conn.close()
    done = subprocess.run([str(CYBERDRILL), "registry", "--db", str(db), "add", str(years[0])], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM exercises").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM items").fetchone()[0] >= 1
    conn.close()
