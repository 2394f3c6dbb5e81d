"""`cyberdrill log whatif`: the counterfactual runs on the same seed, from the same recorded past."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.journal.session import RecordedExercise
from simulator.journal.whatif import what_if

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"


@pytest.fixture(scope="module")
def cell(tmp_path_factory):
    """An interactive exercise where the cell notifies the CERT late and never the CNIL."""
    path = tmp_path_factory.mktemp("whatif") / "cell.jsonl"
    rec = RecordedExercise.start(MINI, 11, "fr", path)
    rec.advance(20)
    rec.submit("declare-crisis")
    rec.advance(180)
    rec.submit("degraded-mode emergency", by_role="medical")
    rec.advance(1800)
    rec.submit("notify cert-sante", by_role="security")
    rec.advance(4320)
    rec.finish()
    return path


@pytest.fixture(scope="module")
def headless(tmp_path_factory):
    path = tmp_path_factory.mktemp("whatif") / "run.jsonl"
    rec = RecordedExercise.start(MINI, 3, "fr", path, policy="passive", config={"until": "end"})
    rec.run()
    rec.finish()
    return path


def test_giving_the_recorded_command_again_changes_nothing(cell):
    result = what_if(cell, 1800, ["notify cert-sante"], keep_later=False)
    assert result.results == [{"command": "notify cert-sante", "accepted": True, "reason": ""}]
    assert all(delta in (None, 0, 0.0) for _k, _a, _b, delta in result.rows())
    assert result.real.to_json() == result.whatif.to_json()


def test_an_earlier_notification_meets_the_clock_the_cell_missed(cell):
    result = what_if(cell, 60, ["notify cert-sante", "notify cnil"])
    real, alt = result.real.flat(), result.whatif.flat()
    assert real["clock:cert-sante"] == "missed" and alt["clock:cert-sante"] == "met"
    assert real["clock:gdpr-72h"] != "met" and alt["clock:gdpr-72h"] == "met"
    assert result.dropped == 0 and [x["command"] for x in result.later] == ["degraded-mode function:emergency", "notify cert-sante"]
    rows = {k: (a, b, d) for k, a, b, d in result.rows()}
    assert rows["clock:cert-sante"] == ("missed", "met", "changed")


def test_later_commands_are_replayed_by_default(cell):
    result = what_if(cell, 60, ["notify cnil"])
    assert result.dropped == 0 and result.keep_later
    assert result.whatif.flat()["clock:cert-sante"] == "missed"  # the late notification is still late
    assert result.whatif.flat()["clock:gdpr-72h"] == "met"
    assert [x["change"] for x in result.later] == ["same", "same"]


def test_drop_later_is_still_there_and_says_what_it_does(cell):
    result = what_if(cell, 60, ["notify cnil"], keep_later=False)
    assert result.dropped == 2 and result.later == []
    assert any("dropped" in note for note in result.notes)


def test_refused_alternative_is_reported(cell):
    result = what_if(cell, 60, ["restore asset:dc1"])
    assert result.results[0]["accepted"] is False and result.results[0]["reason"]


def test_headless_run_goes_to_the_same_end_with_its_policy(headless):
    result = what_if(headless, 30, ["declare-crisis", "degraded-mode all"])
    assert result.real.end == result.whatif.end
    assert result.whatif.kpis != result.real.kpis


def test_whatif_is_deterministic(cell):
    a = what_if(cell, 120, ["isolate zone:servers"]).to_json()
    b = what_if(cell, 120, ["isolate zone:servers"]).to_json()
    assert a == b


def test_cli_table_and_json(run_cli, cell):
    code, out, err = run_cli("log", "whatif", str(cell), "--at", "T+1h", "--do", "notify cert-sante", "--do", "notify cnil")
    assert code == 0, err
    assert "What if" in out and "clock:cert-sante" in out and "real" in out and "what-if" in out
    code, out, err = run_cli("log", "whatif", str(cell), "--at", "T+1h", "--do", "notify cnil", "--json")
    data = json.loads(out)
    assert code == 0 and data["at"] == 60.0 and data["keep_later"] is True and data["do"] == ["notify cnil"]
    assert {"indicator", "real", "whatif", "difference"} <= set(data["differences"][0])
    assert data["real"]["clocks"]["gdpr-72h"] != "met" and data["whatif"]["clocks"]["gdpr-72h"] == "met"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--at", "soon", "--do", "notify cnil"], "invalid time offset"),
        (["--at", "T+1h", "--do", "frobnicate the servers"], "unknown command"),
        (["--at", "T+30d", "--do", "notify cnil"], "after the end of the recorded run"),
        (["--at", "T-1h", "--do", "notify cnil"], "from T+0 on"),
    ],
)
def test_bad_options_are_one_line_exit_2(run_cli, cell, args, message):
    code, out, err = run_cli("log", "whatif", str(cell), *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err


def test_do_is_required(run_cli, cell):
    code, _out, err = run_cli("log", "whatif", str(cell), "--at", "T+1h")
    assert code == 2 and "--do" in err


@pytest.fixture(scope="module")
def busy_cell(tmp_path_factory):
    """A cell whose later commands the alternatives below refuse, allow or change."""
    path = tmp_path_factory.mktemp("whatif") / "busy.jsonl"
    rec = RecordedExercise.start(MINI, 11, "fr", path)
    rec.advance(20)
    rec.submit("declare-crisis")
    rec.advance(120)
    assert not rec.submit("restore-internet", by_role="it").accepted  # nothing to restore: refused
    rec.advance(180)
    rec.submit("degraded-mode emergency", by_role="medical")
    rec.advance(400)
    rec.submit("isolate zone:servers", by_role="it")
    rec.advance(1800)
    rec.submit("notify cert-sante", by_role="security")
    rec.advance(4320)
    rec.finish()
    return path


def test_a_change_that_changes_nothing_keeps_every_later_command_and_every_figure(busy_cell):
    """The README's promise: the same exercise with one decision changed. A what-if that changes
    nothing (a note) must come out identical, later commands included."""
    result = what_if(busy_cell, 60, ["note rien de plus"])
    assert result.later_summary() == {"replayed": 4, "same": 4, "refused": 0, "accepted": 0, "changed": 0}
    assert all(delta in (None, 0, 0.0) for _k, _a, _b, delta in result.rows())
    assert result.real.to_json() == result.whatif.to_json()


def test_later_commands_the_change_refuses_allows_or_alters_are_listed(busy_cell):
    result = what_if(busy_cell, 60, ["cut-internet", "degraded-mode emergency", "isolate zone:clinical"])
    by_command = {x["command"]: x for x in result.later}
    refused = by_command["degraded-mode function:emergency"]
    assert refused["change"] == "refused" and refused["whatif"]["code"] == "degraded-active"
    assert refused["real"]["accepted"] and refused["line"] > 0
    allowed = by_command["restore-internet"]
    assert allowed["change"] == "accepted" and allowed["real"]["code"] == "internet-not-cut"
    isolate = by_command["isolate zone:servers"]  # its duration is the second draw of the isolate stream now
    assert isolate["change"] == "changed" and isolate["real"]["done_at"] != isolate["whatif"]["done_at"]
    assert by_command["notify cert-sante"]["change"] == "same"
    assert result.later_summary() == {"replayed": 4, "same": 1, "refused": 1, "accepted": 1, "changed": 1}


def test_the_cli_attributes_the_differences(run_cli, busy_cell):
    code, out, err = run_cli("log", "whatif", str(busy_cell), "--at", "T+1h", "--do", "cut-internet", "--do", "degraded-mode emergency")
    assert code == 0, err
    out = " ".join(out.split())  # rich wraps at the terminal's width
    assert "4 recorded command(s) after it replayed: 1 refused because of the change, 1 accepted only because of it" in out
    assert "refused after the change" in out and "degraded mode is already active" in out
    assert "accepted only after the change" in out
    code, out, err = run_cli("log", "whatif", str(busy_cell), "--at", "T+1h", "--do", "cut-internet", "--drop-later")
    out = " ".join(out.split())
    assert code == 0 and "4 recorded command(s) after it dropped" in out and "part of the differences" in out
    code, out, err = run_cli("log", "whatif", str(busy_cell), "--at", "T+1h", "--do", "cut-internet", "--json")
    data = json.loads(out)
    assert data["later_summary"]["replayed"] == 4 and data["later"][0]["line"] > 0
