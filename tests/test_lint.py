"""`cyberdrill lint`: each rule on a deliberately broken fixture, positions, exit codes, shipped scenarios clean."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulator.lint import RULES, LintOptions, lint_paths
from simulator.lint.feasibility import Feasibility
from simulator.model.actions import default_catalogue
from simulator.model.documents import load_document
from simulator.model.scenario import ScenarioFile
from simulator.model.yaml_loader import load_yaml

from .conftest import ROOT, SCENARIOS

LINT = ROOT / "tests" / "fixtures" / "lint"
BROKEN = LINT / "broken.yaml"
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
DIAG = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): (?P<message>.*) \[(?P<rule>[a-z-]+)\]$")


def _markers(path: Path) -> set[tuple[int, str]]:
    """(line, rule) for every `# expect: RULE` comment of a fixture."""
    out = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = re.search(r"# expect: ([a-z-]+)\s*$", line)
        if m and m.group(1) in RULES:
            out.add((n, m.group(1)))
    return out


def _parse(stderr: str) -> list[dict]:
    return [m.groupdict() for m in map(DIAG.match, stderr.splitlines()) if m]


@pytest.fixture(scope="module")
def broken_report():
    return lint_paths([BROKEN])


def test_every_rule_is_exercised_by_the_broken_fixture():
    found = {rule for _line, rule in _markers(BROKEN)}
    # never-put-in-runs needs a decision that can be put but never is: test_never_put_in_runs;
    # rehearsal-failed an engine failure: test_engine_failure_is_a_finding
    assert found == set(RULES) - {"never-put-in-runs", "rehearsal-failed"}


def test_broken_fixture_reports_exactly_the_marked_problems_at_their_lines(broken_report):
    got = set()
    for d in broken_report.diagnostics:
        m = re.search(r"\[([a-z-]+)\]$", d.message)
        assert m, d.format()
        got.add((d.line, m.group(1)))
        assert d.severity == RULES[m.group(1)]
    assert got == _markers(BROKEN)
    assert not broken_report.invalid


def test_positions_point_at_the_offending_value(broken_report):
    lines = BROKEN.read_text(encoding="utf-8").splitlines()
    at = {}
    for d in broken_report.diagnostics:
        assert d.file.endswith("broken.yaml")
        text = lines[d.line - 1]
        assert 1 <= d.col <= len(text) and not text[d.col - 1].isspace(), d.format()
        at[re.search(r"\[([a-z-]+)\]$", d.message).group(1), d.line] = text[d.col - 1:]
    by_rule = {rule: rest for (rule, _line), rest in at.items()}
    assert by_rule["overload"].startswith("T+20m")
    assert by_rule["unused-persona"].startswith("lawyer")
    assert by_rule["idle-role"].startswith("dpo")
    assert by_rule["undeclared-role"].startswith("medical")
    assert by_rule["same-effects"].startswith("phone")
    assert by_rule["never-put"].startswith("orphan-chain")
    assert by_rule["task-always-met"].startswith("{time: T+0m}")


def test_messages_say_why(broken_report):
    text = "\n".join(d.format() for d in broken_report.diagnostics)
    assert "inject 'paradox' can never fire: it requires time after T+2h and before T+1h" in text
    assert "inject 'orphan-chain' can never fire: it is fired only by inject 'paradox'" in text
    assert "role 'it' receives 5 stimuli between T+10m and T+20m (more than 4 in 15m)" in text
    assert "critical task 'contain/impossible' can never be met (inject 'paradox' never fires)" in text
    assert "no English text for scenario.personas[1].name" in text
    assert "never fired in 20 seeded runs" in text


def test_cli_exit_codes_and_compiler_style(run_cli):
    code, _out, err = run_cli("lint", BROKEN)
    assert code == 1
    diags = _parse(err)
    assert {d["rule"] for d in diags} == {rule for _l, rule in _markers(BROKEN)}
    assert all(d["file"].endswith("tests/fixtures/lint/broken.yaml") for d in diags)
    assert "5 error(s), 11 warning(s)" in err


def test_warnings_pass_unless_strict(run_cli):
    code, _out, err = run_cli("lint", MINI)
    assert code == 0
    assert ": warning: objective 'care' is served by no inject or decision" in err
    code, _out, err = run_cli("lint", "--strict", MINI)
    assert code == 1
    assert ": error: objective 'care' is served by no inject or decision" in err


@pytest.mark.parametrize(
    "name, needle",
    [
        ("undeclared-role.yaml", "unknown role 'legal'"),
        ("no-critical-tasks.yaml", "critical_tasks: List should have at least 1 item"),
    ],
)
def test_invalid_files_exit_2_with_positions(run_cli, name, needle):
    path = LINT / name
    code, _out, err = run_cli("lint", path)
    assert code == 2
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "# expect:" in text)
    assert f"{name}:{line}:" in err and needle in err


def test_missing_path_is_bad_input(run_cli, tmp_path):
    code, _out, err = run_cli("lint", tmp_path / "nope.yaml")
    assert code == 2 and "no such file or directory" in err


def test_overload_threshold_and_window_are_options(run_cli):
    _code, _out, err = run_cli("lint", "--static", BROKEN)
    assert "[overload]" in err
    _code, _out, err = run_cli("lint", "--static", "--max-per-role", "5", BROKEN)
    assert "[overload]" not in err
    _code, _out, err = run_cli("lint", "--static", "--window", "5m", BROKEN)
    assert "[overload]" not in err
    code, _out, err = run_cli("lint", "--window", "soon", BROKEN)
    assert code == 2 and "--window" in err


def test_static_mode_skips_the_runs(run_cli):
    _code, _out, err = run_cli("lint", "--static", BROKEN)
    assert "[never-fired-in-runs]" not in err
    assert "[never-fires]" in err


def test_json_output(run_cli):
    code, out, _err = run_cli("lint", "--json", "--strict", BROKEN)
    output = json.loads(out)
    assert output["format_version"] == 1
    data = output["diagnostics"]
    assert code == 1
    assert {d["severity"] for d in data} == {"error"}
    assert all({"file", "line", "col", "severity", "message"} <= set(d) for d in data)


def test_lint_is_deterministic():
    first = [d.format() for d in lint_paths([BROKEN]).diagnostics]
    assert first == [d.format() for d in lint_paths([BROKEN]).diagnostics]


def test_never_put_in_runs(tmp_path):
    text = BROKEN.read_text(encoding="utf-8").replace(
        "when: {inject: orphan-chain, fired: true}  # expect: never-put",
        "when: {inject: unlikely, fired: true}",
    )
    (tmp_path / "mini-network.yaml").write_bytes((LINT / "mini-network.yaml").read_bytes())
    path = tmp_path / "variant.yaml"
    path.write_text(text, encoding="utf-8")
    report = lint_paths([path])
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "when: {inject: unlikely, fired: true}" in t)
    rules = {(d.line, d.message.rsplit("[", 1)[1].rstrip("]")) for d in report.diagnostics}
    assert (line, "never-put-in-runs") in rules
    assert (line, "never-put") not in rules


def test_engine_failure_is_a_finding(monkeypatch):
    import simulator.lint.dynamic as dynamic

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(dynamic, "rehearse", broken)
    diags = lint_paths([MINI]).diagnostics
    failed = [d for d in diags if d.message.endswith("[rehearsal-failed]")]
    assert len(failed) == 1 and failed[0].severity == "error" and "RuntimeError: boom" in failed[0].message
    assert failed[0].line == 3  # the scenario id


# ---------------------------------------------------------------- the static analysis itself


def _feasibility(tmp_path, injects: str, extra: str = "") -> Feasibility:
    (tmp_path / "mini-network.yaml").write_bytes((LINT / "mini-network.yaml").read_bytes())
    path = tmp_path / "s.yaml"
    path.write_text(
        f"""scenario:
  id: feas
  title: "t"
  summary: "s"
  level: beginner
  start: 2026-03-16T09:00
  duration: 24h
  network: mini-network.yaml
  roles: [it]
  threat:
    actor: {{name: "x"}}
    initial_access: {{technique: T1133, target: vpn-portal}}
    stages:
      - {{id: enc, technique: T1486, at: T+1h}}
  injects:
{injects}
{extra}
""",
        encoding="utf-8",
    )
    # the model alone: validation now refuses some of what the analysis must still handle (cycles)
    sc = ScenarioFile.model_validate(load_yaml(path).data).scenario
    return Feasibility(sc, {**default_catalogue().engine, **sc.engine})


def test_mutually_dependent_injects_are_both_unreachable(tmp_path):
    feas = _feasibility(
        tmp_path,
        """    - {id: a, when: {inject: b}, channel: phone, text: "a"}
    - {id: b, when: {inject: a}, channel: phone, text: "b"}
    - {id: c, when: {not: {inject: a}}, channel: phone, text: "c", effects: [{inject: d}]}
    - {id: d, channel: phone, text: "d"}""",
    )
    assert feas.reach.injects == {"c", "d"}


@pytest.mark.parametrize(
    "when, possible",
    [
        ("{all: [{service: ehr, state: up}, {service: ehr, state: down}]}", False),
        ("{all: [{service: ehr, state: not-up}, {service: ehr, state: down}]}", True),
        ("{all: [{clock: gdpr-72h, state: met}, {clock: gdpr-72h, state: missed}]}", False),
        ("{clock: nis2-1m, state: missed}", False),
        ("{clock: cert-sante, state: missed}", True),
        ("{all: [{flag: f}, {not: {flag: f}}]}", False),
        ("{all: [{inject: x, fired: false}, {inject: x}]}", False),
        ("{detected: enc}", True),
        ("{detected: any}", True),
        ("{stage: enc}", True),
        ("{action: notify, target: cnil, before: T+0m}", False),
        ("{service: ehr, state: down, for: 2d}", False),
        ("{service: ehr, state: up, for: 2d}", True),
        ("{clinical: emergency, metric: capacity_pct, above: 100}", False),
        ("{any: [{time: T+30h}, {flag: never}]}", False),
        ("{any: [{time: T+30h}, {time: T+3h}]}", True),
        ("{not: {time: T+0m}}", False),
    ],
)
def test_possible(tmp_path, when, possible):
    feas = _feasibility(tmp_path, f"""    - {{id: x, at: T+1h, channel: phone, text: "x", effects: [{{flag: f}}]}}""")
    from simulator.model.scenario import Inject

    cond = Inject.model_validate({"id": "probe", "when": _yaml(when), "channel": "phone", "text": "p"}).when
    assert feas.possible(cond) is possible, when


def _yaml(text: str):
    import yaml

    return yaml.safe_load(text)


# ---------------------------------------------------------------- shipped scenarios


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenarios_lint_clean_with_strict(run_cli, path):
    code, _out, err = run_cli("lint", "--strict", path)
    assert code == 0, err


def test_lint_options_defaults_are_documented():
    doc = (ROOT / "docs" / "facilitator-workflow.md").read_text(encoding="utf-8")
    assert f"| `--max-per-role N` | {LintOptions.max_per_role} |" in doc
    assert f"| `--seeds N` | {LintOptions.seeds} |" in doc
    assert f"| `--window DURATION` | `{LintOptions.window}m` |" in doc
    for rule in RULES:
        assert f"`{rule}`" in doc, rule


def test_what_waits_on_a_contingency_inject_can_fire(tmp_path, run_cli):
    """Regression: a contingency inject (played by the facilitator) counted as never firing, so
    an inject waiting on it was an error, though the engine fires it once the facilitator plays it."""
    from tests.engine_helpers import exercise, variant

    def mutate(s):
        s["injects"].append({"id": "nudge", "contingency": True, "to": ["it"], "channel": "email", "text": {"fr": "b", "en": "b"}})
        s["injects"].append({"id": "follow-up", "when": {"inject": "nudge", "fired": True}, "to": ["it"], "channel": "phone", "text": {"fr": "c", "en": "c"}})

    path = variant(tmp_path, mutate)
    code, _out, err = run_cli("lint", path)
    assert "follow-up' can never fire" not in err and "[never-fires]" not in err, err
    ex = exercise(path, 0)
    ex.advance(30)
    assert ex.submit("inject nudge", source="facilitator").accepted
    ex.advance(40)
    assert "follow-up" in ex.fired


def test_a_story_the_model_contradicts_is_reported_at_the_inject(run_cli, tmp_path):
    """Issue 11 #6: an inject's `states` are checked the moment it fires in every seeded run."""
    code, _out, err = run_cli("lint", str(BROKEN))
    found = [d for d in _parse(err) if d["rule"] == "story-contradicted"]
    assert len(found) == 1
    line = next(n for n, text in enumerate(BROKEN.read_text(encoding="utf-8").splitlines(), 1) if "id: false-story" in text)
    assert int(found[0]["line"]) == line and found[0]["severity"] == "error"
    assert "states {service: ehr, state: up}" in found[0]["message"] and "T+3h" in found[0]["message"]


def test_stated_facts_that_hold_are_not_reported_and_unknown_ids_are_positioned(tmp_path, run_cli):
    import shutil

    import yaml

    shutil.copy(MINI.parent / "mini-network.yaml", tmp_path / "mini-network.yaml")
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["scenario"]["injects"][0]["states"] = [{"service": "ehr", "state": "not-up"}, {"fact": "encryption"}]
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, _out, err = run_cli("lint", str(good))
    assert "story-contradicted" not in err, err
    data["scenario"]["injects"][0]["states"] = [{"service": "nowhere", "state": "up"}]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, _out, err = run_cli("validate", str(bad))
    assert code == 2 and "unknown service 'nowhere'" in err and ":" in err.splitlines()[0]


def test_the_shipped_stories_agree_with_the_model():
    """The flagship's three contradictions (VPN, printers, CERT Santé's 'I have your declaration')
    are stated facts now, and no shipped scenario's stated facts fail in the seeded runs."""
    flagship = load_document(SCENARIOS / "ransomware-weekend-night.yaml").model.scenario
    stated = {inj.id: inj.states for inj in flagship.all_injects if inj.states}
    assert {"oncall-tech-outage", "ransom-note-printed", "cert-sante-callback"} <= set(stated)
    report = lint_paths(SHIPPED)
    assert not [d.format() for d in report.diagnostics if "story-contradicted" in d.message]


def test_cert_sante_has_the_declaration_only_once_it_is_filed():
    from simulator.engine.headless import load_exercise, run_exercise

    for seed in range(3):
        ex = load_exercise(SCENARIOS / "ransomware-weekend-night.yaml", seed, "textbook")
        run_exercise(ex, "end")
        filed = min(r.done_at for r in ex.actions_taken["notify"] if r.target == "cert-sante" and r.done_at is not None)
        assert ex.fired["cert-sante-callback"] >= filed > min(r.t for r in ex.actions_taken["notify"] if r.target == "cert-sante")
