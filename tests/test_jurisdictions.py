"""Jurisdiction packs: shipped as validated data, chosen per scenario, extendable; only their clocks run."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from simulator.engine.exercise import Exercise
from simulator.engine.headless import run_exercise
from simulator.model.documents import load_document
from simulator.model.jurisdiction import JurisdictionChoice, pack_ids, packs_folder, resolve
from simulator.model.policy import builtin_policy
from simulator.model.schema import json_schema
from simulator.model.yaml_loader import load_yaml
from tests.conftest import ROOT
from tests.formats_helpers import errors_of, line_of, write_mini

FRENCH = ("cert-sante", "CERT Santé", "CNIL", "ANSSI", "gdpr-72h", "nis2-", "police-72h", "L.12-10-1")

US = (
    ("  network: mini-network.yaml\n", "  network: mini-network.yaml\n  jurisdiction: us\n"),
    ("ransom_eur: 2000000", "ransom: 1200000"),
    ("check: {action: notify, target: cert-sante, within: 2h}", "check: {action: notify, target: cisa, within: 2h}"),
    ("check: {action: notify, target: cnil, before_clock: gdpr-72h}", "check: {action: notify, target: hhs-ocr, before_clock: hipaa-hhs-60d}"),
    ("when: {all: [{time: T+4h}, {not: {action: notify, target: cert-sante}}]}", "when: {all: [{time: T+4h}, {not: {action: notify, target: fbi}}]}"),
    ("{id: refuse, effects: [{action: notify, target: police}]}", "{id: refuse, effects: [{action: notify, target: fbi}]}"),
)


def test_every_shipped_pack_validates_and_cites_its_rules():
    schema = jsonschema.Draft7Validator(json_schema("jurisdiction"))
    assert {"fr", "eu", "us", "uk"} <= set(pack_ids())
    for pid in pack_ids():
        path = packs_folder().joinpath(f"{pid}.yaml")
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../../../schemas/jurisdiction.schema.json")
        assert not list(schema.iter_errors(load_yaml(str(path)).data))
        body = load_document(str(path), expect="jurisdiction").model.jurisdiction
        assert body.id == pid
        for clock in body.clocks:
            assert clock.source.url.startswith("https://"), (pid, clock.id)
            assert clock.authority in {a.id for a in body.authorities}
        # the built-in policies only name this pack's parties once adapted
        j = resolve(JurisdictionChoice(pack=pid))
        for name in ("textbook", "scenario-defaults"):
            for rule in j.policy(builtin_policy(name)).rules:
                for command in rule.do:
                    verb, _, target = command.partition(" ")
                    if verb == "notify":
                        assert target in j.authorities, (pid, name, command)
                    if verb == "request-support":
                        assert target in {s.id for s in j.support}, (pid, name, command)


def test_the_french_pack_is_the_default_and_changes_nothing(tmp_path):
    plain = load_document(write_mini(tmp_path, name="a.yaml")).model.scenario
    explicit = load_document(write_mini(tmp_path, US[0][:1] + ("  network: mini-network.yaml\n  jurisdiction: fr\n",), name="b.yaml")).model.scenario
    net = load_document(write_mini(tmp_path, name="a.yaml")).context["network"]
    streams = []
    for sc in (plain, explicit):
        ex = Exercise(sc, net, 5, policy=builtin_policy("textbook"))
        out: list[str] = []
        ex.subscribe(lambda e, out=out: out.append(json.dumps([e.t, e.to_record()], sort_keys=True)))
        run_exercise(ex, "end")
        streams.append(out)
        assert [c for c in ex.clocks] == ["cert-sante", "gdpr-72h", "nis2-24h", "nis2-72h", "nis2-1m", "police-72h"]
    assert streams[0] == streams[1]


def test_a_us_scenario_runs_only_us_clocks(tmp_path):
    loaded = load_document(write_mini(tmp_path, *US))
    sc, net = loaded.model.scenario, loaded.context["network"]
    ex = Exercise(sc, net, 2, policy=builtin_policy("textbook"))
    assert set(ex.clocks) == {"cisa-72h", "hipaa-individuals-60d", "hipaa-hhs-60d", "hipaa-media-60d"}
    assert ex.actions["notify"].choices == ["hhs-ocr", "individuals", "media", "cisa", "fbi", "insurer", "state-health"]
    commands = [c for r in ex.policy.rules for c in r.do]
    assert "notify fbi" in commands and not any("cert-sante" in c or "anssi" in c or "cnil" in c for c in commands)
    started: list[str] = []
    ex.subscribe(lambda e: started.append(e.clock) if e.kind == "clock-started" else None)
    run_exercise(ex, "end")
    assert started and set(started) <= set(ex.clocks)
    assert ex.clocks["cisa-72h"].met_at is not None  # the textbook cell reported to CISA
    refused = Exercise(sc, net, 2)
    refused.advance(10)
    assert not refused.submit("notify cert-sante").accepted
    assert refused.submit("notify hhs-ocr").accepted


def test_us_kits_show_dollars_and_none_of_the_french_clocks(tmp_path):
    from simulator.guide import build_kit, load_source

    src = load_source(write_mini(tmp_path, *US))
    for lang, fac, player in (("en", "facilitator-kit.md", "player-kit.md"), ("fr", "kit-animateur.md", "kit-joueur.md")):
        files = build_kit(src, lang)
        kit = files[player].decode()
        for word in FRENCH:
            assert word not in kit, (lang, word)
        assert "45 CFR 164.404" not in kit  # obligations in words; the legal basis is for reports
        assert ("Notice to HHS" if lang == "en" else "Notification au HHS") in kit
        money = "$1,200,000" if lang == "en" else "1\u202f200\u202f000 $"
        assert money in files[fac].decode()
        assert "€" not in files[fac].decode()


@pytest.mark.parametrize(
    "edit, needle, message",
    [
        (("  network: mini-network.yaml\n", "  network: mini-network.yaml\n  jurisdiction: usa\n"), "jurisdiction: usa", "unknown jurisdiction pack 'usa' (did you mean 'us'?)"),
        (("check: {action: notify, target: cisa, within: 2h}", "check: {action: notify, target: cisa, before_clock: gdpr-72h}"), "before_clock: gdpr-72h", "unknown clock 'gdpr-72h'"),
        (("ransom: 1200000", "ransom_eur: 1200000"), "ransom_eur", "'ransom_eur' is in euros, but this scenario's currency is USD (us jurisdiction): write 'ransom'"),
        (("target: fbi}}]}", "target: cert-sante}}]}"), "target: cert-sante}}]}", "'notify' target 'cert-sante' is not one of hhs-ocr, individuals, media, cisa, fbi, insurer, state-health"),
    ],
)
def test_jurisdiction_mistakes_are_positioned(tmp_path, edit, needle, message):
    edits = [e for e in US if e[0] != edit[0]] if edit[0] == US[0][0] else list(US)
    path = write_mini(tmp_path, *edits, edit)
    errors = errors_of(path)
    assert len(errors) == 1, [e.format() for e in errors]
    assert message in errors[0].message
    assert errors[0].line == line_of(path, needle)


def test_a_scenario_extends_its_pack(tmp_path):
    ext = """  network: mini-network.yaml
  jurisdiction:
    pack: eu
    authorities:
      - {id: ccb, name: "Centre for Cybersecurity Belgium", seat: security}
    support:
      - {id: ccb}
    clocks:
      - id: nis2-24h
        authority: ccb
        starts_on: awareness
        deadline: 12h
        name: "NIS2 early warning (CCB)"
        obligation: "Early warning to the CCB"
        basis: "NIS2 art. 23(4)(a)"
        source: {title: "NIS2", url: "https://eur-lex.europa.eu/eli/dir/2022/2555/oj"}
    without_clocks: [nis2-1m]
"""
    path = write_mini(
        tmp_path,
        ("  network: mini-network.yaml\n", ext),
        ("check: {action: notify, target: cert-sante, within: 2h}", "check: {action: notify, target: ccb, within: 2h}"),
        ("check: {action: notify, target: cnil, before_clock: gdpr-72h}", "check: {action: notify, target: dpa, before_clock: gdpr-72h}"),
        ("{not: {action: notify, target: cert-sante}}", "{not: {action: notify, target: csirt}}"),
        ("target: police}]}", "target: police}]}"),
    )
    assert errors_of(path) == []
    sc = load_document(path).model.scenario
    j = resolve(sc.jurisdiction)
    assert j.clock_ids == ("gdpr-72h", "nis2-24h", "nis2-72h")
    assert j.clock("nis2-24h").authority == "ccb" and j.clock("nis2-24h").deadline == 720
    assert "ccb" in j.authorities and "ccb" in [s.id for s in j.support]


def test_extension_mistakes_are_positioned(tmp_path):
    ext = """  network: mini-network.yaml
  jurisdiction:
    pack: eu
    support:
      - {id: red-team}
    clocks:
      - {id: extra, authority: ccbb, starts_on: awareness, deadline: 1h, name: x, obligation: x, basis: x, source: {title: x, url: "https://x.example"}}
    without_clocks: [nis3-24h]
"""
    path = write_mini(
        tmp_path,
        ("  network: mini-network.yaml\n", ext),
        ("check: {action: notify, target: cert-sante, within: 2h}", "check: {action: notify, target: csirt, within: 2h}"),
        ("check: {action: notify, target: cnil, before_clock: gdpr-72h}", "check: {action: notify, target: dpa, before_clock: gdpr-72h}"),
        ("{not: {action: notify, target: cert-sante}}", "{not: {action: notify, target: csirt}}"),
    )
    by_line = {e.line: e.message for e in errors_of(path)}
    assert "support provider 'red-team' needs a 'name'" in by_line[line_of(path, "{id: red-team}")]
    assert "clock 'extra' is met by unknown authority 'ccbb'" in by_line[line_of(path, "authority: ccbb")]
    assert "unknown clock of the 'eu' pack 'nis3-24h' (did you mean 'nis2-24h'?)" in by_line[line_of(path, "without_clocks")]


def test_the_documented_extension_validates(tmp_path):
    doc = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\njurisdiction:\n  pack: eu\n(.*?)```", doc, re.S)
    assert block is not None
    body = "  jurisdiction:\n    pack: eu\n" + "".join("  " + line + "\n" for line in block.group(1).splitlines())
    path = write_mini(
        tmp_path,
        ("  network: mini-network.yaml\n", "  network: mini-network.yaml\n" + body),
        ("check: {action: notify, target: cert-sante, within: 2h}", "check: {action: notify, target: ccb, within: 2h}"),
        ("check: {action: notify, target: cnil, before_clock: gdpr-72h}", "check: {action: notify, target: dpa, before_clock: gdpr-72h}"),
        ("{not: {action: notify, target: cert-sante}}", "{not: {action: notify, target: csirt}}"),
    )
    assert errors_of(path) == []


def test_a_policy_file_may_name_any_pack_authority(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text('policy:\n  id: us-cell\n  name: "US cell"\n  rules:\n    - {id: r, on: {fact: awareness}, do: ["notify hhs-ocr", "request-support ir-firm"]}\n', encoding="utf-8")
    load_document(path, expect="policy")
