"""docs/scenarios.md covers every shipped scenario, with a difficulty row per policy."""

from __future__ import annotations

from simulator.model.documents import load_document
from tests.conftest import ROOT, SCENARIOS

REGENERATE = "python bench/scenario_difficulty.py"


def test_every_scenario_is_described_and_measured():
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    table = text.split("<!-- difficulty:begin -->", 1)[1].split("<!-- difficulty:end -->", 1)[0]
    for path in sorted(SCENARIOS.glob("*.yaml")):
        body = load_document(path, expect="scenario").body
        assert f"(`{path.name}`)" in text, f"{path.name} missing from docs/scenarios.md: run `{REGENERATE}`"
        for policy in ("passive", "textbook"):
            assert f"| {body.id} | {policy} |" in table, f"no {policy} row for {body.id}: run `{REGENERATE}`"
        assert f"**{body.level}**" in text.split(f"(`{path.name}`)", 1)[1].split("\n## ", 1)[0]
