"""`cyberdrill guide`: kit files in both languages, a player kit free of ground truth, a CSV that parses, fresh committed guides."""

from __future__ import annotations

import csv
import functools
import io
import re
from pathlib import Path

import pytest

from simulator.guide import FILE_NAMES, build_kit, load_source
from simulator.guide.regenerate import COMMAND, main as regenerate
from simulator.guide.tree import build_tree, differences, scenario_files, write_tree

from .conftest import ROOT, SCENARIOS

MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"
GUIDES = ROOT / "facilitator_guides"
SHIPPED = scenario_files(SCENARIOS)
ALL = [MINI, *SHIPPED]

# The chronogramme columns as documented in docs/facilitator-workflow.md.
COLUMNS = {
    "fr": ["N°", "Heure", "Horloge", "Déclencheur", "Émetteur", "Destinataire", "Vecteur", "Stimulus", "Réaction attendue", "Objectifs", "Type", "Id"],
    "en": ["No.", "Time", "Clock", "Trigger", "From", "To", "Channel", "Stimulus", "Expected reaction", "Objectives", "Type", "Id"],
}
DELIMITER = {"fr": ";", "en": ","}


@pytest.fixture(scope="module")
def shipped_tree():
    return build_tree(SCENARIOS)


@pytest.fixture(scope="module")
def mini_source():
    return load_source(MINI)


def _csv_rows(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for spreadsheets"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_cli_writes_the_four_files_with_language_names(run_cli, tmp_path, lang):
    out = tmp_path / "deep" / "kit"
    code, _out, err = run_cli("guide", MINI, "--out", out, "--lang", lang)
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == sorted(FILE_NAMES[lang].values())
    for name in FILE_NAMES[lang].values():
        assert (out / name).stat().st_size > 200
    assert not list(out.glob(".*.tmp")), "atomic writes leave no temporary file"


def test_french_is_the_default_language(run_cli, tmp_path):
    code, _out, _err = run_cli("guide", MINI, "--out", tmp_path)
    assert code == 0
    assert (tmp_path / "kit-animateur.md").read_text(encoding="utf-8").startswith("# Kit animateur")
    assert (tmp_path / "chronogramme.csv").exists()


def test_invalid_scenario_exits_2_with_positions_and_writes_nothing(run_cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    (tmp_path / "mini-network.yaml").write_bytes((ROOT / "tests" / "fixtures" / "mini-network.yaml").read_bytes())
    bad.write_text(MINI.read_text(encoding="utf-8").replace("level: intermediate", "level: expert"), encoding="utf-8")
    code, _out, err = run_cli("guide", bad, "--out", tmp_path / "kit")
    assert code == 2
    assert re.search(r"bad\.yaml:\d+:\d+: error: .*level", err)
    assert not (tmp_path / "kit").exists()


def test_kits_are_byte_stable(mini_source):
    for lang in ("fr", "en"):
        assert build_kit(mini_source, lang) == build_kit(load_source(MINI), lang)


# ---------------------------------------------------------------- player kit: no spoilers


@functools.lru_cache(maxsize=None)
def _source(path: Path):
    return load_source(path)


@functools.lru_cache(maxsize=1)
def _generic_text() -> str:
    """Wording every player kit may hold whatever the scenario: the action catalogue and the kit catalogue."""
    from simulator.i18n import catalogue
    from simulator.model.actions import default_catalogue

    parts = [v for lang in ("fr", "en") for k, v in catalogue(lang).items() if k.startswith("guide.")]
    for spec in default_catalogue().actions.values():
        for text in (spec.name, spec.description):
            if text is not None:
                parts += [text.get("fr"), text.get("en")]
    return "\n".join(parts)


def _ground_truth(path: Path) -> list[str]:
    """Every authored text of a scenario that players must discover, not read beforehand."""
    sc = _source(path).scenario
    texts = []

    def add(value, minimum: int = 12) -> None:
        if value is None:
            return
        for lang in ("fr", "en"):
            s = value.get(lang) if hasattr(value, "get") else str(value)
            for part in s.strip().splitlines():
                if len(part.strip()) >= minimum:
                    texts.append(part.strip())

    add(sc.title, 8)
    add(sc.summary)
    add(sc.id, 4)
    if sc.threat is not None:
        add(sc.threat.actor.name, 4)
        add(sc.threat.initial_access.target, 4)
        for st in sc.threat.stages:
            add(st.name)
    add(sc.facilitator.notes)
    for q in sc.facilitator.debrief_questions:
        add(q)
    for m in sc.modules:  # read to the room when each module opens, never printed beforehand
        add(m.title)
        add(m.narrative)
        for q in (*m.questions, *m.expected):
            add(q)
    for ov in sc.overrides:
        add(ov.note)
    for p in sc.personas:
        add(p.description)
    for inj in sc.all_injects:
        add(inj.title)
        add(inj.text)
        add(inj.facilitator_note)
        for x in (*inj.expected, *inj.questions):
            add(x)
    for d in sc.all_decisions:
        add(d.prompt)
        for o in d.options:
            add(o.label)
    for obj in sc.objectives:
        add(obj.text)
        for task in obj.critical_tasks:
            add(task.text)
    generic = _generic_text()
    return sorted(t for t in set(texts) if t not in generic)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_player_kit_holds_no_ground_truth(path, lang):
    kit = build_kit(_source(path), lang)[FILE_NAMES[lang]["player"]].decode("utf-8")
    leaks = [t for t in _ground_truth(path) if t in kit]
    assert leaks == []
    assert not re.search(r"\bT1\d{3}\b", kit), "no ATT&CK technique in the player kit"
    for inject_id in (i.id for i in _source(path).scenario.injects):
        assert f"`{inject_id}`" not in kit


def test_the_spoiler_check_does_catch_ground_truth(mini_source):
    """The check above is not vacuous: the same strings are all in the facilitator kit."""
    kit = build_kit(mini_source, "fr")["kit-animateur.md"].decode("utf-8")
    truth = _ground_truth(MINI)
    assert "LockBit affiliate" in truth
    found = [t for t in truth if t in kit]
    assert "LockBit affiliate" in found and len(found) >= len(truth) // 2


# ---------------------------------------------------------------- facilitator kit and grid


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_facilitator_kit_has_the_doctrine_sections(mini_source, lang):
    text = build_kit(mini_source, lang)[FILE_NAMES[lang]["facilitator"]].decode("utf-8")
    sc = mini_source.scenario
    if lang == "fr":
        heads = ["## Objectifs et tâches critiques", "## Vérité terrain", "## Chronogramme (DEBEX → FINEX)", "## Injects de contingence", "## Conseils d'animation", "## RETEX à chaud"]
    else:
        heads = ["## Objectives and critical tasks", "## Ground truth", "## MSEL / chronogramme", "## Contingency injects", "## Facilitation tips", "## Hot debrief"]
    positions = [text.index(h) for h in heads]
    assert positions == sorted(positions)
    for inj in sc.injects:
        assert f"**{inj.id}**" in text
    assert "T1486" in text and "LockBit affiliate" in text
    assert sc.facilitator.debrief_questions[0].get(lang) in text
    assert sc.facilitator.notes.get(lang) in text
    contingency = text[text.index(heads[3]):text.index(heads[4])]
    assert "`nudge-cert`" in contingency and "inject nudge-cert" in contingency


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_observation_grid_has_psmu_columns_for_every_task(mini_source, lang):
    text = build_kit(mini_source, lang)[FILE_NAMES[lang]["grid"]].decode("utf-8")
    assert re.search(r"\| P \| S \| M \| U \|", text)
    for obj in mini_source.scenario.objectives:
        for task in obj.critical_tasks:
            row = next(line for line in text.splitlines() if line.startswith(f"| `{task.id}` |"))
            assert row.count("☐") == 4
            assert row.endswith("|   |"), "an empty notes column"


# ---------------------------------------------------------------- chronogramme CSV


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_csv_parses_with_the_documented_columns(path, lang):
    src = _source(path)
    rows = _csv_rows(build_kit(src, lang)[FILE_NAMES[lang]["chronogramme"]], DELIMITER[lang])
    assert rows[0] == COLUMNS[lang]
    body = [dict(zip(COLUMNS[lang], r)) for r in rows[1:]]
    assert all(len(r) == len(COLUMNS[lang]) for r in rows)
    ids = [r["Id"] for r in body]
    sc = src.scenario
    assert ids[0] == "DEBEX" and ids[-1] == "FINEX"
    assert sorted(ids[1:-1]) == sorted([i.id for i in sc.all_injects] + [d.id for d in sc.all_decisions] + [m.id for m in sc.modules])
    assert [r["N°" if lang == "fr" else "No."] for r in body] == [str(n) for n in range(1, len(body) + 1)]
    timed = [r for r in body if r["Heure" if lang == "fr" else "Time"]]
    minutes = [_minutes(r["Heure" if lang == "fr" else "Time"]) for r in timed]
    assert minutes[:-1] == sorted(minutes[:-1]), "timed rows in time order"


def _minutes(offset: str) -> int:
    from simulator.model.duration import parse_offset

    return parse_offset(offset)


def test_csv_delimiter_can_be_chosen(mini_source, run_cli, tmp_path):
    code, _out, _err = run_cli("guide", MINI, "--out", tmp_path, "--lang", "fr", "--delimiter", ",")
    assert code == 0
    rows = _csv_rows((tmp_path / "chronogramme.csv").read_bytes(), ",")
    assert rows[0] == COLUMNS["fr"]


def test_csv_row_content(mini_source):
    rows = _csv_rows(build_kit(mini_source, "en")["msel.csv"], ",")
    by_id = {r[-1]: dict(zip(COLUMNS["en"], r)) for r in rows[1:]}
    printers = by_id["printers"]
    assert printers["Time"] == "T+10m" and printers["Clock"] == "Sat 14/03 01:10"
    assert printers["From"] == "Night nurse, ED" and printers["Channel"] == "Phone"
    assert printers["Expected reaction"] == "Qualify the incident\nCall the IT on-call manager"
    assert printers["Objectives"] == "alert" and printers["Type"] == "stimulus"
    assert by_id["nudge-cert"]["Type"] == "contingency" and by_id["toilets"]["Type"] == "noise"
    assert by_id["ehr-down-call"]["Time"] == "" and "EHR down for at least 30m" in by_id["ehr-down-call"]["Trigger"]
    assert by_id["cut-internet"]["Type"] == "decision" and "Cut (cut) / Wait (wait)" in by_id["cut-internet"]["Stimulus"]


# ---------------------------------------------------------------- the committed guides


def test_every_shipped_scenario_validates(shipped_tree):
    tree = shipped_tree
    assert [d.format() for d in tree.problems] == []
    assert sorted(tree.scenario_ids) == sorted(_source(p).scenario.id for p in SHIPPED)


def test_committed_guides_are_fresh(shipped_tree):
    """Fails when a scenario (or the generator) changed without regenerating facilitator_guides/."""
    stale = differences(shipped_tree, GUIDES)
    assert not stale, f"facilitator guides are stale ({'; '.join(stale[:5])}): run `{COMMAND}` and commit facilitator_guides/"


def test_one_guide_folder_per_shipped_scenario():
    ids = {_source(p).scenario.id for p in SHIPPED}
    folders = {d.name for d in GUIDES.iterdir() if d.is_dir()}
    assert folders == ids
    from simulator.guide.cards import ATTACHMENT_DIRS, CELL_DIRS, has_material

    for path in SHIPPED:
        src = _source(path)
        for lang in ("fr", "en"):
            extra = [CELL_DIRS[lang], *([ATTACHMENT_DIRS[lang]] if src.attachments else [])] if has_material(src) else []
            assert sorted(p.name for p in (GUIDES / src.scenario.id / lang).iterdir()) == sorted([*FILE_NAMES[lang].values(), *extra])


def test_regenerate_check_and_write_and_prune(tmp_path):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "mini-network.yaml").write_bytes((ROOT / "tests" / "fixtures" / "mini-network.yaml").read_bytes())
    (scenarios / "mini.yaml").write_bytes(MINI.read_bytes())
    out = tmp_path / "guides"
    args = ["--scenarios", str(scenarios), "--out", str(out)]
    assert regenerate([*args, "--check"]) == 1
    assert regenerate(args) == 0
    assert regenerate([*args, "--check"]) == 0
    assert (out / "mini-ransomware" / "fr" / "kit-joueur.md").exists()
    assert "mini-ransomware/fr/kit-animateur.md" in (out / "README.md").read_text(encoding="utf-8")
    # a renamed scenario: the old folder goes, the new one comes
    (scenarios / "mini.yaml").write_text(MINI.read_text(encoding="utf-8").replace("id: mini-ransomware", "id: mini-renamed"), encoding="utf-8")
    assert regenerate([*args, "--check"]) == 1
    assert regenerate(args) == 0
    assert sorted(d.name for d in out.iterdir() if d.is_dir()) == ["mini-renamed"]


def test_cli_all_matches_the_tree(run_cli, tmp_path, shipped_tree):
    code, _out, err = run_cli("guide", "--all", SCENARIOS, "--out", tmp_path)
    assert code == 0, err
    assert differences(shipped_tree, tmp_path) == []


def test_write_tree_is_what_differences_compares(tmp_path, shipped_tree):
    tree = shipped_tree
    write_tree(tree, tmp_path)
    assert differences(tree, tmp_path) == []
    first = sorted(tree.files)[0]
    (tmp_path / first).write_bytes(b"edited by hand\n")
    assert differences(tree, tmp_path) == [f"{first}: out of date"]


def test_csv_columns_and_file_names_are_documented():
    doc = (ROOT / "docs" / "facilitator-workflow.md").read_text(encoding="utf-8")
    for lang in ("fr", "en"):
        for column in COLUMNS[lang]:
            assert f"`{column}`" in doc, column
        for name in FILE_NAMES[lang].values():
            assert f"`{name}`" in doc, name
    assert COMMAND in doc
