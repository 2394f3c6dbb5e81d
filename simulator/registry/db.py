"""The registry's SQLite file: where it lives, versioned schema migrations, transactions.

The schema version is SQLite's `user_version`; the file is marked as ours with `application_id`.
Opening applies the migrations the file lacks, each in its own transaction; a file written by a
newer CyberDrill (a higher version) is refused, never downgraded or half-read. Every change is one
transaction (rollback journal, synchronous=FULL): a process killed in the middle leaves the file
as it was before.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from simulator.model.diagnostics import Diagnostic, InputError

APPLICATION_ID = 0x43594244  # "CYBD"
SLOW_ENV = "CYBERDRILL_TEST_SLOW_REGISTRY"
"""Test hook: seconds to sleep between the writes of one transaction, so a test can kill it mid-way."""

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, """
    CREATE TABLE exercises (
        id INTEGER PRIMARY KEY,
        head TEXT NOT NULL UNIQUE,
        journal_path TEXT NOT NULL,
        scenario_id TEXT NOT NULL,
        scenario_sha256 TEXT NOT NULL,
        title_fr TEXT NOT NULL,
        title_en TEXT NOT NULL,
        level TEXT NOT NULL,
        mode TEXT NOT NULL,
        hospital_fr TEXT NOT NULL,
        hospital_en TEXT NOT NULL,
        exercise_start TEXT NOT NULL,
        played_on TEXT NOT NULL,
        seed INTEGER NOT NULL,
        signed INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        report_sha256 TEXT
    );
    CREATE TABLE participants (
        exercise_id INTEGER NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        seat_fr TEXT NOT NULL,
        seat_en TEXT NOT NULL
    );
    CREATE TABLE objectives (
        exercise_id INTEGER NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
        objective TEXT NOT NULL,
        text_fr TEXT NOT NULL,
        text_en TEXT NOT NULL,
        capability TEXT NOT NULL,
        rating TEXT,
        suggested TEXT,
        evaluator INTEGER NOT NULL,
        PRIMARY KEY (exercise_id, objective)
    );
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        exercise_id INTEGER NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        issue_fr TEXT NOT NULL,
        issue_en TEXT NOT NULL,
        action_fr TEXT NOT NULL,
        action_en TEXT NOT NULL,
        owner_fr TEXT NOT NULL,
        owner_en TEXT NOT NULL,
        owner_override TEXT,
        capability TEXT NOT NULL,
        element TEXT NOT NULL,
        care TEXT NOT NULL,
        priority TEXT NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
        due TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'in-progress', 'done', 'dropped')),
        status_on TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '',
        lines TEXT NOT NULL DEFAULT '',
        UNIQUE (exercise_id, key)
    );
    """),
    (2, """
    CREATE TABLE item_history (
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        status TEXT NOT NULL,
        owner TEXT,
        evidence TEXT,
        note TEXT
    );
    CREATE TABLE kpis (
        exercise_id INTEGER NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (exercise_id, key)
    );
    CREATE INDEX items_status ON items (status);
    """),
)
LATEST = MIGRATIONS[-1][0]


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("cyberdrill")) / "registry.sqlite3"


def _bad(path: Path, message: str) -> InputError:
    return InputError([Diagnostic(str(path), 1, 1, "error", message)])


def _slow() -> float:
    try:
        return max(0.0, float(os.environ.get(SLOW_ENV, "0") or 0))
    except ValueError:
        return 0.0


class Registry:
    """An open registry file."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._slow = _slow()

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, *, create: bool = True) -> "Registry":
        """Open (creating it when `create`) and bring the schema up to date; InputError when the file
        is not a registry, was written by a newer version, or cannot be opened."""
        p = Path(path) if path is not None else default_path()
        if p.exists() and p.is_dir():
            raise _bad(p, "is a folder, not a registry database")
        if not p.exists():
            if not create:
                raise _bad(p, "no registry here (cyberdrill registry add LOG creates it)")
            if not p.parent.exists():
                if path is not None:
                    raise _bad(p, f"folder {p.parent} does not exist")
                p.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(p, isolation_level=None, timeout=10)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            # one statement, one snapshot: read apart, another opener's migration could commit
            # between them (no application id yet, but tables) and look like another database
            app, version, tables = conn.execute(
                "SELECT (SELECT application_id FROM pragma_application_id),"
                " (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise _bad(p, f"not a CyberDrill registry (SQLite says: {exc})") from None
        if app != APPLICATION_ID and (tables or version):
            conn.close()
            raise _bad(p, "not a CyberDrill registry (an SQLite database of something else)")
        if version > LATEST:
            conn.close()
            raise _bad(p, f"registry written by a newer CyberDrill (schema version {version}; this version reads up to {LATEST}): upgrade CyberDrill to use it")
        reg = cls(conn, p)
        reg._migrate(version)
        return reg

    def _migrate(self, version: int) -> None:
        for number, script in MIGRATIONS:
            if number <= version:
                continue
            with self.transaction():
                # read again under the write lock: another process may have migrated meanwhile
                if int(self.conn.execute("PRAGMA user_version").fetchone()[0]) >= number:
                    continue
                for statement in (s.strip() for s in script.split(";")):
                    if statement:
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self.conn.execute(f"PRAGMA user_version = {number}")

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing change: BEGIN IMMEDIATE ... COMMIT, ROLLBACK on any error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def pause(self) -> None:
        if self._slow:
            time.sleep(self._slow)

    def rows(self, sql: str, *args) -> list[dict]:
        cur = self.conn.execute(sql, args)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Registry":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
