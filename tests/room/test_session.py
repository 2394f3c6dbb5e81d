"""The session itself (no sockets): cached views always equal fresh ones, what each seat is sent."""

from __future__ import annotations

from simulator.room.session import RoomSession

from .helpers import FLAGSHIP, open_room


def fresh(session: RoomSession, seat: str, lang: str):
    """A view built from nothing (no shared piece reused)."""
    session._parts.clear()
    return session._build(session.seats[seat], lang)


def test_cached_views_equal_fresh_views_through_a_whole_exercise(tmp_path):
    session, _codes = open_room(FLAGSHIP, tmp_path / "room.jsonl", seed=2)
    seats = ["facilitator", "cell:it", "cell:direction", "evaluator", "room"]
    actions = iter([
        ("cell:it", "act", ("isolate", "zone:servers")), ("cell:direction", "act", ("declare-crisis",)),
        ("cell:security", "act", ("notify", "cert-sante")), ("cell:it", "note", ("Sauvegardes hors ligne vérifiées",)),
        ("cell:medical", "act", ("degraded-mode", "all")), ("evaluator", "note", ("Bonne réactivité",)),
    ])
    checks = 0
    try:
        for step in range(400):
            if session.ended:
                break
            for seat in seats:  # as the host does: views read between every change
                for lang in ("fr", "en"):
                    session.view(seat, lang)
            held = [p for p in session.ex.pending_decisions() if p.pause_clock]
            if held:
                d = session.ex.decisions[held[0].id]
                assert session.decide("facilitator", "Anna", d.id, d.default)
            elif step % 7 == 3:
                who, op, args = next(actions, ("cell:it", "note", (f"point {step}",)))
                getattr(session, op)(who, "X", *args)
            else:
                assert session.step("facilitator")
            if step % 2 == 0:
                for seat in seats:
                    cached = session.view(seat, "fr")
                    assert cached == fresh(session, seat, "fr"), (seat, session.now)
                    checks += 1
    finally:
        session.close()
    assert session.ended and checks > 100, checks


def test_the_room_board_and_the_cells_are_sent_nothing_of_the_facilitators(tmp_path):
    session, _codes = open_room(FLAGSHIP, tmp_path / "room.jsonl", seed=2)
    try:
        assert session.note("facilitator", "Anna", "Penser à envoyer l'appel du maire à T+4h")
        assert session.note("evaluator", "Eve", "La cellule hésite sur le délestage")
        assert session.note("cell:it", "Ivan", "Sauvegardes hors ligne : intactes")
        assert session.fire("facilitator", "Anna", "nudge-police")
        for seat, sees in (("facilitator", {"Penser", "hésite", "intactes"}), ("evaluator", {"Penser", "hésite", "intactes"}),
                           ("cell:it", {"intactes"}), ("cell:direction", {"intactes"}), ("room", {"intactes"})):
            feed = " ".join(line.text for line in session.view(seat, "fr").feed)
            for word in ("Penser", "hésite", "intactes"):
                assert (word in feed) == (word in sees), (seat, word)
            assert ("nudge-police" in feed) is False  # ids never reach a screen
        cell = session.view("cell:it", "fr")
        assert not any("inject" in line.text.lower() and "police" in line.text.lower() for line in cell.feed)
    finally:
        session.close()


def test_a_players_open_dialog_never_stops_a_rooms_clock(tmp_path):
    session, _codes = open_room(FLAGSHIP, tmp_path / "room.jsonl", seed=2)
    clock = [1000.0]
    session._monotonic = lambda: clock[0]
    try:
        assert session.resume("facilitator", "Anna")
        session.hold("dialog", True)  # a cell's screen opened a dialog: the room goes on
        clock[0] += 6.0
        assert session.tick() and session.now > 0
        assert session.view("cell:it", "fr").held_by == ""
    finally:
        session.close()


def test_a_note_with_apostrophes_reads_as_typed_in_the_log(tmp_path):
    session, _codes = open_room(FLAGSHIP, tmp_path / "room.jsonl", seed=2)
    try:
        text = "l'équipe d'astreinte « DSI » n'est pas joignable"
        assert session.note("cell:it", "Ivan", text)
        lines = [line.text for line in session.view("cell:it", "fr").feed]
        assert f"✓ note « {text} » (DSI)" in lines and f"Note : {text}" in lines
        assert not any("'\"'\"'" in line for line in lines)
    finally:
        session.close()


def test_the_cells_log_starts_at_t0_the_facilitator_sees_what_came_before(tmp_path):
    """The flagship's attacker dwells over the weekend: the shift changes of the days before
    T+0 are not lines of a cell's log (it finds the state), only of the facilitator's."""
    session, _codes = open_room(FLAGSHIP, tmp_path / "room.jsonl", seed=2)
    try:
        before = [line for line in session.view("facilitator", "fr").feed if line.t < 0]
        assert any(line.kind == "staff" for line in before), "the flagship journals shifts before T+0"
        for seat in ("cell:it", "cell:direction", "evaluator", "room"):
            assert not [line.text for line in session.view(seat, "fr").feed if line.t < 0], seat
        assert session.note("cell:it", "Ivan", "Astreinte prévenue")
        assert any("Astreinte prévenue" in line.text for line in session.view("cell:it", "fr").feed)
    finally:
        session.close()
