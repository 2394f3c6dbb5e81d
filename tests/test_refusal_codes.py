"""Every engine refusal has a stable code, its parameters, and a sentence in French and in English
(issue 11 #3): the journal keeps the English reason, the room reads `refusal_text`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from simulator.engine.refusals import PREFIX, placeholders, refusal_text
from simulator.i18n import catalogue
from tests.engine_helpers import exercise

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "simulator").rglob("*.py"))
FLAGSHIP = ROOT / "scenarios" / "ransomware-weekend-night.yaml"
# the exception classes that carry a code, and where their code is among the positional arguments
CODED = {"Refused": 0, "CommandSyntaxError": 1, "TargetError": 1, "_refuse": 3, "refuse": 3}


def _calls():
    """(file, line, class, code or None, keyword names) of every coded refusal built in the sources."""
    out = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else (
                node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else None
            )
            if name in CODED and (isinstance(node.func, ast.Name) or name in ("_refuse", "refuse")) and path.parent.name in ("engine", "model", "journal"):
                pos = CODED[name]
                arg = node.args[pos] if len(node.args) > pos else None
                forwarded = isinstance(arg, (ast.Call, ast.Attribute, ast.Name))  # re-raised with the code it came with
                code = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
                if forwarded and isinstance(arg, ast.Call) and len(arg.args) == 3 and isinstance(arg.args[2], ast.Constant):
                    code = arg.args[2].value  # getattr(exc, "code", "fallback")
                names = {k.arg for k in node.keywords if k.arg}
                spread = any(k.arg is None for k in node.keywords)
                if name in ("_refuse", "refuse"):
                    names |= {"*"}  # params passed as a mapping
                out.append((path.relative_to(ROOT), node.lineno, name, code, names, forwarded or spread or name in ("_refuse", "refuse")))
            if isinstance(node, ast.Dict):  # refusal items: {"code": ..., "params": {...}}
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                if keys == ["code", "params"] and isinstance(node.values[1], ast.Dict):
                    code = node.values[0].value if isinstance(node.values[0], ast.Constant) else None
                    names = {k.value for k in node.values[1].keys if isinstance(k, ast.Constant)}
                    out.append((path.relative_to(ROOT), node.lineno, "item", code, names, False))
    return out


CALLS = _calls()


def test_the_scan_finds_the_refusals():
    assert len([c for c in CALLS if c[2] == "Refused"]) > 50
    assert len([c for c in CALLS if c[2] == "item"]) >= 4


@pytest.mark.parametrize("where", CALLS, ids=lambda c: f"{c[0]}:{c[1]}")
def test_every_refusal_is_raised_with_a_known_code_and_its_parameters(where):
    path, line, cls, code, names, loose = where
    if code is None and loose:
        return  # passes on the code of the refusal it forwards (checked where that one is raised)
    assert code, f"{path}:{line}: {cls} raised without a code (give it one and catalogue entries engine.refused.<code>)"
    for lang in ("fr", "en"):
        text = catalogue(lang).get(PREFIX + code)
        assert text, f"{path}:{line}: no {lang} catalogue entry {PREFIX}{code}"
        if not loose:
            missing = placeholders(text) - names
            assert not missing, f"{path}:{line}: {PREFIX}{code} ({lang}) needs {sorted(missing)}, the refusal gives {sorted(names)}"


def test_every_catalogued_refusal_is_in_both_languages_with_the_same_fields():
    fr, en = catalogue("fr"), catalogue("en")
    codes = {k for k in en if k.startswith(PREFIX)}
    assert codes == {k for k in fr if k.startswith(PREFIX)}
    for key in codes:
        assert placeholders(fr[key]) == placeholders(en[key]), key
    used = {c[3] for c in CALLS if c[3]}
    hints = {k[len(PREFIX):] for k in codes if k.startswith(PREFIX + "hint.")} | {"suggestion"}
    assert {k[len(PREFIX):] for k in codes} - used - hints == set(), "catalogue entries no refusal uses"


def _refusals(ex, commands):
    out = []
    for text in commands:
        result = ex.submit(text)
        if not result.accepted:
            out.append((text, result))
    return out


BAD = [
    "", "shred everything", "isolate zone:nowhere", "isolate zone:servers", "isolate zone:servers", "reconnect zone:dmz",
    "restore asset:dc1", "rebuild asset:dc1", "decide nope x", "extend nope 30m", "inject nope", "rate nope t P",
    "transfer emergency 0", "notify", "notify nobody", "divert maybe", "module next", "declare-crisis", "declare-crisis",
    "note", "extend x 99h", "isolate asset:dc1 asset:dc2", "isolate zonee:x", "cut-internet", "cut-internet",
    "restore-internet", "restore-internet", "eradicate", "eradicate", "normal-mode all", "note 'unbalanced",
]


def test_refusals_carry_their_code_in_the_result_and_the_event_but_not_the_record():
    ex = exercise()
    events = []
    ex.subscribe(lambda e: events.append(e) if e.kind == "command-refused" else None)
    ex.advance(30)
    refused = _refusals(ex, BAD)
    assert len(refused) >= 20
    fr, en = catalogue("fr"), catalogue("en")
    for text, result in refused:
        assert result.code and PREFIX + result.code in fr and PREFIX + result.code in en, (text, result)
        assert result.reason  # the English reason the journal keeps
        french = refusal_text(result.code, result.params, "fr")
        english = refusal_text(result.code, result.params, "en")
        assert french and english and "{" not in french and "{" not in english, (text, french)
    assert [e.code for e in events] == [r.code for _t, r in refused]
    for e in events:
        assert set(e.to_record()) == {"kind", "t", "command", "source", "reason"}  # journals stay as they were


def test_the_french_room_reads_restore_before_eradication_in_french_with_labels():
    from simulator.engine.headless import load_exercise
    from simulator.room.describe import Namer

    ex = load_exercise(FLAGSHIP, 0, None)
    ex.advance(600)
    result = ex.submit("restore service:ehr")
    assert not result.accepted and result.code == "before-eradication", result
    assert "has not been eradicated" in result.reason  # the journal's reason is unchanged
    text = refusal_text(result.code, result.params, "fr", Namer(ex, "fr"))
    assert text.startswith("Restaurer depuis une sauvegarde : refusé, l'attaquant n'a pas encore été éradiqué"), text
    busy = ex.submit("reset-credentials krbtgt")
    assert busy.accepted or busy.code in ("ad-down", "staff-busy", "staff-busy-until", "staff-short"), busy


def test_refusal_items_and_times_are_named():
    text = refusal_text(
        "restore-impossible",
        {"items": [{"code": "backups-destroyed", "params": {"asset": "backup-online", "destroyed_at": 95.0}},
                   {"code": "asset-busy", "params": {"asset": "dc1"}}]},
        "fr",
    )
    assert text == (
        "restauration impossible pour backup-online : aucune sauvegarde intacte (sauvegardes en ligne détruites à T+1h35m)"
        "; on travaille déjà sur dc1"
    )
    hinted = refusal_text("staff-short", {"action": "restore", "needed": 2, "on_duty": 1, "hint": "declare-crisis"}, "fr")
    assert hinted.endswith("(déclarez la crise pour rappeler du personnel)")
    assert refusal_text("unknown-verb", {"given": "isolat", "suggestion": "isolate"}, "fr") == (
        "commande inconnue : « isolat » (vouliez-vous dire « isolate » ?)"
    )
    assert refusal_text("a-code-from-a-newer-engine", {}, "fr") == "a-code-from-a-newer-engine"


def test_staff_changes_and_techniques_read_as_words():
    from simulator.engine.headless import load_exercise, run_exercise
    from simulator.engine.refusals import staff_reason_text
    from simulator.model.attack import label
    from simulator.room.describe import Namer

    ex = load_exercise(FLAGSHIP, 0, "textbook")
    reasons = set()
    ex.subscribe(lambda e: reasons.add(e.reason) if e.kind == "staff" else None)
    run_exercise(ex, "end")
    assert {"shift", "recall"} <= reasons and any(r.startswith("support from ") for r in reasons)
    namer = Namer(ex, "fr")
    for reason in reasons:
        text = staff_reason_text(reason, "fr", namer)
        assert text != reason and "support" not in text and "shift" not in text, text
    assert staff_reason_text("support from pris", "fr", namer) == "renfort : prestataire qualifié (PRIS)"
    assert label("T1133") == "External Remote Services (T1133)"
    stages = [s.technique for s in ex.scenario.threat.stages] + [ex.scenario.threat.initial_access.technique]
    assert all(label(tid) != tid for tid in stages)
