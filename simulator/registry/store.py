"""Exercises and improvement items in the registry: add a verified journal, list, update, follow up."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from simulator.journal.inputs import locate_inputs
from simulator.journal.replay import JournalFailure, Replayer, build_exercise, load_journal
from simulator.model.diagnostics import Diagnostic, InputError
from simulator.registry.db import Registry
from simulator.registry.models import ExerciseRecord, ItemRecord, ItemUpdate, ObjectiveRecord, ParticipantRecord
from simulator.report.data import RefusalCodes, ReportData, _AssetSampler, assemble
from simulator.report.followup import FollowUp, PastItem

KPI_KEYS = (
    "ehr_downtime_minutes", "patients_diverted", "procedures_cancelled", "patients_transferred", "ed_volume_change_week1_pct",
    "lab_turnaround_change_pct", "assets_encrypted", "machines_encrypted", "records_exfiltrated",
)


@dataclass(frozen=True)
class Added:
    id: int
    new: bool
    items: int


def replay_both(path: str | os.PathLike, *, scenario=None, policy=None) -> tuple[ReportData, ReportData, dict, object]:
    """Verify and replay a journal once; the report's findings in French and in English, and the KPIs."""
    journal = load_journal(path)
    if not journal.sealed:
        raise JournalFailure(Diagnostic(str(path), journal.verify.records or 1, 1, "error",
                                        "journal is not sealed (the exercise was cut short or is still running): only closed exercises enter the registry"))
    inputs = locate_inputs(journal.header, path, scenario=scenario, policy=policy)
    ex = build_exercise(inputs, journal)
    sampler = _AssetSampler(ex)
    ex.subscribe(sampler)
    codes = RefusalCodes()
    ex.subscribe(codes)
    replayer = Replayer(ex, journal)
    replayer.run_commands()
    replayer.run_to_end()
    fr = assemble(journal, ex, sampler.points, "fr", codes.codes)
    en = assemble(journal, ex, sampler.points, "en", codes.codes)
    k = ex.kpis()
    kpis = {key: float(k[key]) for key in KPI_KEYS}
    return fr, en, kpis, journal


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Prepared:
    """A journal checked and analysed, ready to enter the registry (nothing written yet)."""

    path: str
    fr: ReportData
    en: ReportData
    kpis: dict
    journal: object
    report_sha: str | None


def prepare(path: str | os.PathLike, *, report: str | os.PathLike | None = None, scenario=None, policy=None) -> Prepared:
    """Verify, replay and analyse a journal before the registry is even opened: a journal that does not
    verify, is not sealed or does not replay never touches the database."""
    report_sha = None
    if report is not None:
        try:
            report_sha = sha256_file(report)
        except OSError as exc:
            raise InputError([Diagnostic(str(report), 1, 1, "error", f"cannot read the report: {exc.strerror or exc}")]) from None
    fr, en, kpis, journal = replay_both(path, scenario=scenario, policy=policy)
    return Prepared(str(path), fr, en, kpis, journal, report_sha)


def add(reg: Registry, path: str | os.PathLike, *, report: str | os.PathLike | None = None, scenario=None, policy=None) -> Added:
    """Import a journal that verifies and replays; an exercise already there (same head) is not added twice."""
    return insert(reg, prepare(path, report=report, scenario=scenario, policy=policy))


def insert(reg: Registry, prepared: Prepared) -> Added:
    """Write a prepared exercise in one transaction."""
    fr, en, kpis, journal, report_sha, path = prepared.fr, prepared.en, prepared.kpis, prepared.journal, prepared.report_sha, prepared.path
    head = journal.head
    known = reg.rows("SELECT id FROM exercises WHERE head = ?", head)
    if known:
        if report_sha is not None:
            with reg.transaction() as c:
                c.execute("UPDATE exercises SET report_sha256 = ? WHERE id = ?", (report_sha, known[0]["id"]))
        return Added(known[0]["id"], False, 0)
    data = journal.data
    played = fr.run_day or dt.date.today()
    sc = fr.labels.sc
    with reg.transaction() as c:
        cur = c.execute(
            "INSERT INTO exercises (head, journal_path, scenario_id, scenario_sha256, title_fr, title_en, level, mode, hospital_fr, hospital_en,"
            " exercise_start, played_on, seed, signed, imported_at, report_sha256) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (head, str(Path(path).resolve()), sc.id, str(data["scenario"].get("sha256", "")), fr.title, en.title, sc.level, journal.mode,
             fr.labels.hospital(), en.labels.hospital(), str(data["start"]), played.isoformat(), int(data["seed"]), int(bool(journal.verify.signed)),
             dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), report_sha),
        )
        eid = int(cur.lastrowid)
        reg.pause()
        for (name, seat_fr), (_n, seat_en) in zip(fr.participants, en.participants):
            c.execute("INSERT INTO participants (exercise_id, name, seat_fr, seat_en) VALUES (?,?,?,?)", (eid, name, seat_fr, seat_en))
        reg.pause()
        for of, oe in zip(fr.objectives, en.objectives):
            c.execute("INSERT INTO objectives VALUES (?,?,?,?,?,?,?,?)",
                      (eid, of.id, of.text, oe.text, of.capability, of.final, of.suggested, int(of.rated_by_evaluator)))
            reg.pause()
        for i_fr, i_en in zip(fr.plan, en.plan):
            c.execute(
                "INSERT INTO items (exercise_id, key, issue_fr, issue_en, action_fr, action_en, owner_fr, owner_en, capability, element, care,"
                " priority, due, status, status_on, lines) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (eid, i_fr.key, i_fr.issue, i_en.issue, i_fr.action, i_en.action, i_fr.owner, i_en.owner, i_fr.capability, i_fr.element,
                 i_fr.care, i_fr.priority, i_fr.due.isoformat(), "open", played.isoformat(), ",".join(str(n) for n in i_fr.lines)),
            )
            c.execute("INSERT INTO item_history (item_id, at, status) VALUES (?,?,?)", (cur.lastrowid, played.isoformat(), "open"))
            reg.pause()
        for key, value in kpis.items():
            c.execute("INSERT INTO kpis VALUES (?,?,?)", (eid, key, value))
        reg.pause()
    return Added(eid, True, len(fr.plan))


def exercises(reg: Registry) -> list[ExerciseRecord]:
    return [ExerciseRecord.model_validate(r) for r in reg.rows("SELECT * FROM exercises ORDER BY played_on, id")]


def exercise(reg: Registry, eid: int) -> ExerciseRecord:
    rows = reg.rows("SELECT * FROM exercises WHERE id = ?", eid)
    if not rows:
        raise InputError([Diagnostic("EXERCISE", 1, 1, "error", f"no exercise #{eid} in the registry {reg.path}")])
    return ExerciseRecord.model_validate(rows[0])


def objectives(reg: Registry, eid: int) -> list[ObjectiveRecord]:
    return [ObjectiveRecord.model_validate(r) for r in reg.rows("SELECT * FROM objectives WHERE exercise_id = ? ORDER BY rowid", eid)]


def participants(reg: Registry, eid: int) -> list[ParticipantRecord]:
    return [ParticipantRecord.model_validate(r) for r in reg.rows("SELECT * FROM participants WHERE exercise_id = ? ORDER BY rowid", eid)]


def items(reg: Registry, *, exercise_id: int | None = None, statuses: tuple[str, ...] | None = None) -> list[ItemRecord]:
    sql, args = "SELECT * FROM items WHERE 1=1", []
    if exercise_id is not None:
        sql += " AND exercise_id = ?"
        args.append(exercise_id)
    if statuses:
        sql += f" AND status IN ({','.join('?' for _ in statuses)})"
        args.extend(statuses)
    return [ItemRecord.model_validate(r) for r in reg.rows(sql + " ORDER BY exercise_id, id", *args)]


def kpis(reg: Registry, eid: int) -> dict[str, float]:
    return {r["key"]: r["value"] for r in reg.rows("SELECT key, value FROM kpis WHERE exercise_id = ?", eid)}


def update(reg: Registry, item_id: int, change: ItemUpdate) -> ItemRecord:
    rows = reg.rows("SELECT * FROM items WHERE id = ?", item_id)
    if not rows:
        raise InputError([Diagnostic("ITEM", 1, 1, "error", f"no improvement item #{item_id} in the registry {reg.path}")])
    item = ItemRecord.model_validate(rows[0])
    fields: dict[str, object] = {}
    if change.status is not None and change.status != item.status:
        fields["status"] = change.status
        fields["status_on"] = change.on.isoformat()
    if change.owner is not None:
        fields["owner_override"] = change.owner
    if change.evidence is not None:
        fields["evidence"] = change.evidence
    if change.due is not None:
        fields["due"] = change.due.isoformat()
    with reg.transaction() as c:
        if fields:
            c.execute(f"UPDATE items SET {', '.join(f'{k} = ?' for k in fields)} WHERE id = ?", (*fields.values(), item_id))
        c.execute("INSERT INTO item_history (item_id, at, status, owner, evidence, note) VALUES (?,?,?,?,?,?)",
                  (item_id, change.on.isoformat(), change.status or item.status, change.owner, change.evidence, change.note))
    return ItemRecord.model_validate(reg.rows("SELECT * FROM items WHERE id = ?", item_id)[0])


def history(reg: Registry, item_id: int) -> list[dict]:
    return reg.rows("SELECT at, status, owner, evidence, note FROM item_history WHERE item_id = ? ORDER BY rowid", item_id)


def previous(reg: Registry, head: str | None, played_on: dt.date) -> ExerciseRecord | None:
    """The last exercise registered before `played_on` (the journal itself excluded)."""
    rows = reg.rows("SELECT * FROM exercises WHERE head != ? AND played_on <= ? ORDER BY played_on DESC, id DESC", head or "", played_on.isoformat())
    return ExerciseRecord.model_validate(rows[0]) if rows else None


def followup(reg: Registry, data: ReportData) -> FollowUp | None:
    """Last exercise's improvement items as this report shows them: which were closed, which came back."""
    from simulator.report import locale as fmt

    prev = previous(reg, data.head, data.run_day or dt.date.today())
    if prev is None:
        return None
    lang = data.lang
    again = {i.key for i in data.plan}
    past = [
        PastItem(i.action(lang), i.issue(lang), i.owner(lang), i.status, i.due, i.status_on if i.status in ("done", "dropped") else None,
                 i.evidence, i.key in again)
        for i in items(reg, exercise_id=prev.id)
    ]
    return FollowUp(f"{prev.title(lang)}, {fmt.day(prev.played_on, lang)}", prev.played_on, past)


def trends(reg: Registry, *, scenario: str | None = None) -> list[tuple[ExerciseRecord, dict[str, float], list[ObjectiveRecord], dict[str, int]]]:
    out = []
    for e in exercises(reg):
        if scenario is not None and e.scenario_id != scenario:
            continue
        its = items(reg, exercise_id=e.id)
        counts = {s: sum(1 for i in its if i.status == s) for s in ("open", "in-progress", "done", "dropped")}
        out.append((e, kpis(reg, e.id), objectives(reg, e.id), counts))
    return out
