"""Every kind of bad input gives compiler-style errors, exit code 2, no traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.model.diagnostics import InputError
from simulator.model.documents import load_document

DIAG_RE = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.+)$")

VALID = """\
network:
  id: mini
  name: {fr: "Mini CH", en: "Mini hospital"}
  beds: 40
  zones:
    - {id: servers, name: Serveurs, kind: datacenter}
    - {id: clinical, name: Postes, kind: clinical}
  flows:
    - {from: clinical, to: servers, protocols: [https, smb]}
  assets:
    - {id: dc1, name: DC1, kind: domain-controller, zone: servers, domain_joined: true, tier: 0}
    - {id: ehr-app, name: DPI, kind: server, zone: servers, domain_joined: true}
    - {id: ws, name: Postes, kind: workstations, zone: clinical, count: 50, domain_joined: true}
  services:
    - id: ad
      name: Active Directory
      category: infrastructure
      needs: [{asset: dc1}]
    - id: ehr
      name: {fr: DPI, en: EHR}
      category: clinical
      needs: [{asset: ehr-app}, {service: ad}]
  clinical_functions:
    - id: emergency
      name: Urgences
      arrivals_per_day: 40
      capacity_per_hour: 4
      needs: [{service: ehr, strength: soft}]
      degraded_mode: {capacity_factor: 0.7, activation_delay: 1h}
  it_staff: {weekday_day: 3, weekday_night: 1, weekend_day: 1, weekend_night: 1, recall_delay: 2h}
"""


def diagnostics_of(path: Path) -> list[re.Match]:
    with pytest.raises(InputError) as info:
        load_document(path)
    lines = [d.format() for d in info.value.diagnostics]
    matches = [DIAG_RE.match(line) for line in lines]
    assert all(matches), lines
    return matches  # type: ignore[return-value]


def write(tmp_path: Path, text: str | bytes, name: str = "net.yaml") -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def test_valid_fixture_loads(tmp_path):
    loaded = load_document(write(tmp_path, VALID))
    assert loaded.kind == "network"
    assert loaded.body.clinical_functions[0].degraded_mode.activation_delay == 60


def assert_cli_rejects(run_cli, path: Path, *needles: str, line: int | None = None):
    code, out, err = run_cli("validate", path)
    assert code == 2, (out, err)
    assert "Traceback" not in err + out
    lines = [ln for ln in err.splitlines() if ln.strip() and ln != "all files valid"]
    assert lines, "no diagnostic printed"
    for ln in lines:
        assert DIAG_RE.match(ln), ln
    text = "\n".join(lines)
    for needle in needles:
        assert needle in text, text
    if line is not None:
        assert any(int(DIAG_RE.match(ln).group("line")) == line for ln in lines), text
    return lines


def test_yaml_syntax_error(tmp_path, run_cli):
    p = write(tmp_path, VALID.replace("  beds: 40\n", "  beds: [40\n"))
    assert_cli_rejects(run_cli, p, "syntax error")


def test_tab_indentation(tmp_path, run_cli):
    p = write(tmp_path, VALID.replace("  beds: 40", "\tbeds: 40"))
    assert_cli_rejects(run_cli, p, "tab", line=4)


def test_duplicate_key(tmp_path, run_cli):
    p = write(tmp_path, VALID.replace("  beds: 40\n", "  beds: 40\n  beds: 41\n"))
    assert_cli_rejects(run_cli, p, "duplicate key 'beds'", line=5)


def test_unknown_key_with_suggestion(tmp_path, run_cli):
    p = write(tmp_path, VALID.replace("kind: domain-controller, zone: servers", "kind: domain-controller, zoen: servers"))  # noqa
    lines = assert_cli_rejects(run_cli, p, "unknown key 'zoen'", "did you mean 'zone'", "network.assets[0]")
    assert any(":11:" in ln for ln in lines)
    assert not any("missing required key" in ln for ln in lines), "the typo explains the missing key"


def test_wrong_type(tmp_path, run_cli):
    p = write(tmp_path, VALID.replace("  beds: 40", "  beds: forty"))
    assert_cli_rejects(run_cli, p, "network.beds", "whole number", line=4)


def test_bad_duration(tmp_path, run_cli):
    p = write(tmp_path, VALID.replace("activation_delay: 1h", "activation_delay: 1 hour"))
    assert_cli_rejects(run_cli, p, "activation_delay", "invalid duration", line=29)


def test_unknown_reference(tmp_path, run_cli):
    p = write(tmp_path, VALID.replace("needs: [{asset: ehr-app}, {service: ad}]", "needs: [{asset: ehr-apq}, {service: ad}]"))
    assert_cli_rejects(run_cli, p, "missing asset", "ehr-apq", "did you mean 'ehr-app'", line=22)


def test_duplicate_id(tmp_path, run_cli):
    p = write(tmp_path, VALID.replace("{id: ehr-app, name: DPI", "{id: dc1, name: DPI"))
    assert_cli_rejects(run_cli, p, "duplicate id 'dc1'", line=12)


def test_dependency_cycle(tmp_path, run_cli):
    p = write(tmp_path, VALID.replace("needs: [{asset: dc1}]", "needs: [{asset: dc1}, {service: ehr}]"))
    assert_cli_rejects(run_cli, p, "dependency cycle", "ad -> ehr -> ad")


def test_zone_flow_unknown_zone(tmp_path, run_cli):
    p = write(tmp_path, VALID.replace("{from: clinical, to: servers", "{from: clinical, to: server"))
    assert_cli_rejects(run_cli, p, "unknown zone 'server'", "did you mean 'servers'", line=9)


def test_include_escaping_tree(tmp_path, run_cli):
    sub = tmp_path / "inner"
    sub.mkdir()
    write(tmp_path, "network_fragment:\n  zones: []\n", name="outside.yaml")
    p = write(sub, VALID.replace("  beds: 40\n", "  beds: 40\n  include: [../outside.yaml]\n"))
    assert_cli_rejects(run_cli, p, "leaves the folder", line=5)


def test_include_inside_tree_merges_with_positions(tmp_path):
    (tmp_path / "parts").mkdir()
    write(
        tmp_path / "parts",
        "network_fragment:\n  assets:\n    - {id: pacs, name: PACS, kind: server, zone: nowhere}\n",
        name="imaging.yaml",
    )
    p = write(tmp_path, VALID.replace("  beds: 40\n", "  beds: 40\n  include: [parts/imaging.yaml]\n"))
    matches = diagnostics_of(p)
    assert len(matches) == 1
    m = matches[0]
    assert m.group("file").endswith("imaging.yaml") and m.group("line") == "3"
    assert "unknown zone 'nowhere'" in m.group("msg")


def test_absolute_include_refused(tmp_path):
    p = write(tmp_path, VALID.replace("  beds: 40\n", f"  beds: 40\n  include: [{tmp_path / 'x.yaml'}]\n"))
    assert "relative path" in diagnostics_of(p)[0].group("msg")


def test_missing_file(tmp_path, run_cli):
    assert_cli_rejects(run_cli, tmp_path / "nope.yaml", "no such file")


def test_directory_without_yaml(tmp_path, run_cli):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("hello")
    assert_cli_rejects(run_cli, tmp_path / "empty", "no YAML file")


def test_empty_file(tmp_path, run_cli):
    assert_cli_rejects(run_cli, write(tmp_path, ""), "empty")
    assert_cli_rejects(run_cli, write(tmp_path, "# only a comment\n\n", name="c.yaml"), "empty")


@pytest.mark.parametrize("text,what", [("- a\n- b\n", "a list"), ("42\n", "single value"), ("just text\n", "single value")])
def test_top_level_not_mapping(tmp_path, run_cli, text, what):
    assert_cli_rejects(run_cli, write(tmp_path, text), "top level must be a mapping", what)


def test_non_utf8(tmp_path, run_cli):
    data = VALID.encode().replace(b"Mini CH", b"Mini CH \xe9t\xe9")
    assert_cli_rejects(run_cli, write(tmp_path, data), "invalid UTF-8", line=3)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
def test_control_characters(tmp_path, run_cli, char):
    p = write(tmp_path, VALID.replace("Mini hospital", f"Mini{char}hospital"))
    lines = assert_cli_rejects(run_cli, p, "control character", line=3)
    assert ":3:34:" in lines[0]


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['echo pwned > {marker}']",
        "!!python/object:__main__.X {}",
        "!!python/name:os.system",
        "!custom thing",
    ],
)
def test_tags_rejected_never_constructed(tmp_path, run_cli, payload):
    marker = tmp_path / "pwned"  # the test's own folder, not a fixed name in the shared temporary folder
    p = write(tmp_path, VALID.replace('  beds: 40', "  beds: " + payload.replace("{marker}", str(marker))))
    assert_cli_rejects(run_cli, p, "is not allowed", line=4)
    assert not marker.exists()


def test_alias_bomb(tmp_path, run_cli):
    lines = ["network:", '  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"  a{i}: &a{i} [{refs}]")
    p = write(tmp_path, "\n".join(lines) + "\n")
    assert_cli_rejects(run_cli, p, "alias")


def test_deep_nesting(tmp_path, run_cli):
    depth = 100_000
    p = write(tmp_path, "network: " + "[" * depth + "]" * depth + "\n")
    assert_cli_rejects(run_cli, p, "nesting is deeper")


def test_deep_block_nesting(tmp_path, run_cli):
    text = "network:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200))
    assert_cli_rejects(run_cli, write(tmp_path, text), "nesting is deeper")


def test_huge_file(tmp_path, run_cli):
    p = tmp_path / "big.yaml"
    with open(p, "wb") as fh:
        fh.write(b"network:\n  id: big\n")
        fh.write(b"# padding\n" * (50 * 1024 * 1024 // 10))
    assert_cli_rejects(run_cli, p, "too large")


def test_merge_key_refused(tmp_path):
    p = write(tmp_path, VALID.replace("  beds: 40\n", "  base: &b {x: 1}\n  beds: 40\n  other:\n    <<: *b\n"))
    msgs = [m.group("msg") for m in diagnostics_of(p)]
    assert any("merge keys" in m for m in msgs), msgs


def test_norway_problem_keys_stay_strings(tmp_path):
    from simulator.model.yaml_loader import parse_yaml

    doc = parse_yaml("on: yes\nno: off\nx: true\n", "t.yaml")
    assert doc.data == {"on": "yes", "no": "off", "x": True}


def test_all_errors_of_a_file_at_once(tmp_path):
    bad = VALID.replace("  beds: 40", "  beds: forty").replace("zone: servers, domain_joined: true, tier: 0", "zone: servers, domain_joined: maybe, tier: 0")
    matches = diagnostics_of(write(tmp_path, bad))
    assert len(matches) >= 2
    assert [int(m.group("line")) for m in matches] == sorted(int(m.group("line")) for m in matches)


def test_json_diagnostics(tmp_path, run_cli):
    import json

    p = write(tmp_path, VALID.replace("  beds: 40", "  beds: forty"))
    code, out, _err = run_cli("validate", "--json", p)
    assert code == 2
    output = json.loads(out)
    assert output["format_version"] == 1
    data = output["diagnostics"]
    assert data and set(data[0]) == {"file", "line", "col", "severity", "message"}
    assert data[0]["line"] == 4 and data[0]["severity"] == "error"


def test_no_traceback_in_a_real_process(tmp_path):
    p = write(tmp_path, b"network:\n  id: \xff\xfe\n")
    proc = subprocess.run([sys.executable, "-m", "simulator", "validate", str(p)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert DIAG_RE.match(proc.stderr.strip().splitlines()[0])


@pytest.mark.parametrize(
    "old,new,needle",
    [
        ("domain_joined: true, tier: 0", "domain_joined: yes, tier: 0", "true or false"),
        ("count: 50", 'count: "50"', "whole number"),
        ("capacity_per_hour: 4", 'capacity_per_hour: "4"', "a number"),
    ],
)
def test_no_lenient_conversions(tmp_path, old, new, needle):
    """YAML 1.2 keeps `yes` a string; the models must not turn it back into a boolean."""
    msgs = [m.group("msg") for m in diagnostics_of(write(tmp_path, VALID.replace(old, new)))]
    assert any(needle in m for m in msgs), msgs


def test_a_journal_given_as_yaml_is_named_for_what_it_is(tmp_path):
    line = '{"data":{},"prev":"' + "0" * 64 + '","seq":0,"t":0.0,"type":"header","wall":"2026-01-01T00:00:00Z"}\n'
    msgs = [m.group("msg") for m in diagnostics_of(write(tmp_path, line, name="log.jsonl"))]
    assert msgs and "exercise journal" in msgs[0] and "cyberdrill log" in msgs[0]


# --- found by an audit with files the suite had not seen -------------------------------------


def _one(run_cli, path: Path) -> re.Match:
    code, _out, err = run_cli("validate", path)
    assert code == 2 and "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    m = DIAG_RE.match(lines[0])
    assert m, lines
    return m


@pytest.mark.parametrize(("escape", "code"), [("\\0", "0000"), ("\\e[31m", "001B"), ("\\a", "0007"), ("\\x85", None), ("\\x9b", "009B")])
def test_control_characters_written_as_escapes(tmp_path, run_cli, escape, code):
    p = write(tmp_path, VALID.replace('name: {fr: "Mini CH", en: "Mini hospital"}', f'name: "CH{escape}x"'))
    if code is None:  # NEL is a line break for YAML, not a control character to refuse
        assert load_document(p).kind == "network"
        return
    m = _one(run_cli, p)
    assert (m.group("line"), m.group("col")) == ("3", "9") and f"U+{code}" in m.group("msg") and "escape" in m.group("msg")


def test_a_nul_in_a_file_reference_is_an_error_at_the_reference(tmp_path, run_cli):
    p = write(tmp_path, VALID.replace("  beds: 40\n", '  beds: 40\n  include: ["a\\0.yaml"]\n'))
    m = _one(run_cli, p)
    assert (m.group("line"), m.group("col")) == ("5", "13")


@pytest.mark.parametrize("breaks", ["\r", "\r\n", "\n"])
@pytest.mark.parametrize(("bad", "needle"), [(b"\x01", "control character U+0001"), (b"\xff", "invalid UTF-8 byte 0xff")])
def test_positions_count_every_kind_of_line_break(tmp_path, run_cli, breaks, bad, needle):
    nl = breaks.encode()
    p = write(tmp_path, b"network:" + nl + b"  id: x" + nl + b'  name: "ab' + bad + b'"' + nl)
    m = _one(run_cli, p)
    assert (m.group("line"), m.group("col")) == ("3", "12") and needle in m.group("msg")


def test_every_refused_tag_of_a_file_at_once(tmp_path, run_cli):
    p = write(tmp_path, "network:\n  id: !custom x\n  beds: !!binary aGVsbG8=\n  name: !!python/object:os.system x\n")
    code, _out, err = run_cli("validate", p)
    assert code == 2
    assert [(m.group("line"), m.group("col")) for m in map(DIAG_RE.match, err.strip().splitlines())] == [("2", "7"), ("3", "9"), ("4", "9")]


def test_an_include_naming_a_folder_is_an_error_at_the_include(tmp_path, run_cli):
    (tmp_path / "parts").mkdir()
    p = write(tmp_path, VALID.replace("  beds: 40\n", "  beds: 40\n  include: [parts]\n"))
    m = _one(run_cli, p)
    assert m.group("file").endswith("net.yaml") and (m.group("line"), m.group("col")) == ("5", "13") and "folder" in m.group("msg")


def test_an_include_naming_a_pipe_does_not_hang(tmp_path, run_cli):
    (tmp_path / "parts").mkdir()
    os.mkfifo(tmp_path / "parts" / "pipe.yaml")
    p = write(tmp_path, VALID.replace("  beds: 40\n", "  beds: 40\n  include: [parts/pipe.yaml]\n"))
    m = _one(run_cli, p)
    assert (m.group("line"), m.group("col")) == ("5", "13") and "not a regular file" in m.group("msg")
    m = _one(run_cli, tmp_path / "parts" / "pipe.yaml")  # and named directly
    assert "not a regular file" in m.group("msg")


def test_an_include_of_another_kind_is_an_error_at_the_include(tmp_path, run_cli):
    (tmp_path / "parts").mkdir()
    write(tmp_path / "parts", VALID, name="whole.yaml")
    p = write(tmp_path, VALID.replace("  beds: 40\n", "  beds: 40\n  include: [parts/whole.yaml]\n"))
    m = _one(run_cli, p)
    assert m.group("file").endswith("net.yaml") and (m.group("line"), m.group("col")) == ("5", "13")
    assert "'network:' file: an included file must be a 'network_fragment:' file" in m.group("msg")


def test_a_scenario_whose_network_is_another_kind_of_file_is_an_error_at_the_reference(tmp_path, run_cli):
    fixtures = Path(__file__).resolve().parent / "fixtures"
    text = (fixtures / "mini-scenario.yaml").read_text(encoding="utf-8").replace("network: mini-network.yaml", "network: other.yaml")
    (tmp_path / "other.yaml").write_text((fixtures / "mini-scenario.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    p = write(tmp_path, text, name="s.yaml")
    m = _one(run_cli, p)
    line = next(i for i, ln in enumerate(text.splitlines(), start=1) if "network: other.yaml" in ln)
    assert m.group("file").endswith("s.yaml") and int(m.group("line")) == line
    assert "scenario.network: 'other.yaml' is a 'scenario:' file, not a network" in m.group("msg")


def test_loader_errors_and_validation_errors_come_together(tmp_path, run_cli):
    """A duplicate key, a refused tag and a wrong type: one run reports all three, in file order."""
    text = VALID.replace("  id: mini\n", "  id: mini\n  id: again\n").replace("  beds: 40", "  beds: forty").replace(
        '  name: {fr: "Mini CH", en: "Mini hospital"}', "  name: !custom n"
    )
    p = write(tmp_path, text)
    code, _out, err = run_cli("validate", p)
    found = [(int(m.group("line")), m.group("msg")) for m in map(DIAG_RE.match, err.strip().splitlines())]
    assert code == 2 and len(found) == 3, err
    assert "duplicate key 'id'" in found[0][1] and "tag !custom" in found[1][1] and "network.beds" in found[2][1]
    assert [line for line, _ in found] == [3, 4, 5]


def test_loader_errors_and_reference_errors_come_together(tmp_path, run_cli):
    text = VALID.replace("  id: mini\n", "  id: mini\n  id: again\n").replace("needs: [{asset: dc1}]", "needs: [{asset: dc9}]")
    p = write(tmp_path, text)
    code, _out, err = run_cli("validate", p)
    assert code == 2 and "duplicate key 'id'" in err and "unknown asset 'dc9'" in err, err


def test_a_deeply_nested_journal_like_first_line_is_not_a_traceback(tmp_path, run_cli):
    p = write(tmp_path, '{"type":"header","prev":' + "[" * 100_000 + "]" * 100_000 + "}\nnetwork: {}\n")
    code, _out, err = run_cli("validate", p)
    assert code == 2 and "Traceback" not in err and DIAG_RE.match(err.strip().splitlines()[0]), err
