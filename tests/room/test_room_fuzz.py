"""Network input is bad input: commands that pass the protocol's checks (right types, ids of
any text, real ids used out of turn, by any seat) never raise in the session; every one is
answered, and every seat's view is still built afterwards. What the host would otherwise do
with an exception is log a traceback and answer 'engine fault'."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from pydantic import ValidationError
from hypothesis import strategies as st

from simulator.room.client import run_command
from simulator.room.protocol import ARGS, MAX_TEXT
from simulator.shipped import shipped

from .helpers import FLAGSHIP, open_room

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["ransomware-weekend-night", "beginner-tabletop-modules", "us-ransomware-tabletop", "third-party-lab-outage"])
def room(request, tmp_path_factory):
    """A live room on a shipped scenario: with a threat, in modules without one, another jurisdiction."""
    path = FLAGSHIP if request.param == FLAGSHIP.stem else shipped("scenario")[request.param]
    session, _codes = open_room(path, tmp_path_factory.mktemp("fuzz") / "room.jsonl", seed=5)
    yield session
    session.close()


def _ids(session) -> dict[str, list[str]]:
    sc = session.ex.scenario
    return {
        "action": [a for a in session.ex.actions] + ["", "isolate", "restore"],
        "target": ["", "zone:servers", "all", "dc01", "ehr", "zone:", "*"] + [a for a in list(session.ex.model.assets)[:5]],
        "decision": [d.id for d in sc.decisions] or ["x"],
        "option": ["cut", "wait", "pay"] + [o.id for d in sc.decisions for o in d.options][:8],
        "inject": [i.id for i in sc.injects][:10] or ["x"],
        "objective": [o.id for o in sc.objectives] or ["x"],
        "task": [t.id for o in sc.objectives for t in o.critical_tasks][:8] or ["x"],
    }


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


def _arg(draw, ids, field):
    if field in ids:
        return draw(st.one_of(st.sampled_from(ids[field]), text))
    if field in ("text", "justification", "comment"):
        return draw(st.text(max_size=200)) or "n"
    if field == "count":
        return draw(st.integers(0, 100_000))
    if field == "key":
        return draw(st.integers(0, 10_000_000))
    if field == "minutes":
        return draw(st.floats(min_value=0.01, max_value=24 * 60))
    if field == "speed":
        return draw(st.floats(min_value=0.01, max_value=100_000))
    if field == "rating":
        return draw(st.sampled_from("PSMU"))
    return draw(text)


@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_well_typed_command_from_any_seat_is_answered(room, data):
    ids = _ids(room)
    seat = data.draw(st.sampled_from(sorted(room.seats)))
    op = data.draw(st.sampled_from(sorted(op for op in ARGS if op not in ("seal", "end"))))
    model = ARGS[op]
    args = {}
    for field, info in model.model_fields.items():
        if info.is_required() or data.draw(st.booleans()):
            args[field] = _arg(data.draw, ids, field)
    try:
        args = model.model_validate(args).model_dump()  # only what the protocol lets through
    except ValidationError:
        assume(False)
    lang = data.draw(st.sampled_from(["fr", "en"]))
    result = run_command(room, seat, "Fuzz « l'équipe »", lang, op, args)
    assert result is not None
    action = data.draw(st.one_of(st.sampled_from(ids["action"]), text))
    room.assess(seat, action, data.draw(st.one_of(st.sampled_from(ids["target"]), text)), 0, lang)
    room.refusals(seat, action, lang)
    for other in room.seats:
        room.view(other, lang)
    assert len(str(args)) < 10 * MAX_TEXT
