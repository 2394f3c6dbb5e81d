"""The seats of a room and what each may see and do.

Doctrine names the seats (HSEEP: players, controllers/SimCell, evaluators; ANSSI: joueurs,
cellule d'animation, observateurs). A room has:

- `facilitator` (cellule d'animation): drives the clock for everyone, fires injects, gives a
  cell more time on a decision, sees ground truth and every cell, writes notes, ends;
- one seat per cell of the scenario (`cell:<role>`, its `roles:`): acts, answers the
  decisions and reads the messages addressed to it (or to everyone);
- `evaluator`: rates critical tasks (P/S/M/U) with comments, writes observations, reads
  every cell's messages, never acts for a cell;
- `room`: the read-only situation board for the projector.

Solo play (`cyberdrill play`) has one seat that plays every cell and drives the clock.
Everything here is checked on the host: a client is never trusted to hide or refuse.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.room.views import SeatInfo

FACILITATOR = "facilitator"
EVALUATOR = "evaluator"
ROOM = "room"
ALL_CELLS = "cell"
CELL_PREFIX = "cell:"

# permissions
ACT = "act"  # response actions
DECIDE = "decide"  # answer decisions (those addressed to the seat)
FIRE = "fire"  # fire an inject now
EXTEND = "extend"  # give a cell more time on a decision
RATE = "rate"  # P/S/M/U ratings
NOTE = "note"  # main courante / observations
ACK = "ack"  # mark a message read (for the seat itself)
CLOCK = "clock"  # pause, resume, speed, next event
END = "end"  # end the exercise for everyone
TRUTH = "truth"  # see ground truth
MODULE = "module"  # move the exercise to its next module

KIND_PERMISSIONS = {
    FACILITATOR: (ACT, DECIDE, FIRE, EXTEND, NOTE, ACK, CLOCK, END, TRUTH, MODULE),
    "cell": (ACT, DECIDE, NOTE, ACK),
    EVALUATOR: (RATE, NOTE, ACK),
    ROOM: (),
}
SOLO_EXTRA = (ACT, DECIDE, ACK, CLOCK, MODULE)
"""In solo play one keyboard plays the whole room: whatever its role, it acts, decides and
holds the clock (ending before time stays the facilitator's)."""


@dataclass(frozen=True)
class Seat:
    id: str
    kind: str  # facilitator | cell | evaluator | room
    roles: frozenset[str] | None  # the scenario roles a cell plays (None: every one)
    source: str  # who the engine and the journal's `by` name: facilitator, evaluator, a role id, players
    permissions: frozenset[str]
    solo: bool = False

    def may(self, permission: str) -> bool:
        return permission in self.permissions

    def addressed(self, to: tuple[str, ...] | list[str]) -> bool:
        """Whether something sent to `to` (role ids; empty: everyone) is for this seat to read."""
        if self.kind == ROOM:
            return not to
        if not to or self.roles is None or self.kind in (FACILITATOR, EVALUATOR):
            return True
        return bool(self.roles.intersection(to))

    def answers(self, to: tuple[str, ...] | list[str]) -> bool:
        """Whether this seat may answer a decision put to `to`."""
        if not self.may(DECIDE):
            return False
        if self.kind == FACILITATOR or self.roles is None or not to:
            return True
        return bool(self.roles.intersection(to))

    def info(self) -> SeatInfo:
        return SeatInfo(self.id, self.kind, tuple(sorted(self.permissions)), self.solo)

    @property
    def drives_clock(self) -> bool:
        return self.may(CLOCK)

    @property
    def player(self) -> bool:
        """Players never receive ground truth."""
        return not self.may(TRUTH)


def cell_seat(role: str) -> Seat:
    return Seat(CELL_PREFIX + role, "cell", frozenset({role}), role, frozenset(KIND_PERMISSIONS["cell"]))


def room_seats(roles: list[str]) -> dict[str, Seat]:
    """The seats of a room for a scenario whose cells are `roles` (one cell for every role
    when the scenario declares none)."""
    seats = [Seat(FACILITATOR, FACILITATOR, None, FACILITATOR, frozenset(KIND_PERMISSIONS[FACILITATOR]))]
    if roles:
        seats += [cell_seat(r) for r in roles]
    else:
        seats.append(Seat(ALL_CELLS, "cell", None, "players", frozenset(KIND_PERMISSIONS["cell"])))
    seats.append(Seat(EVALUATOR, EVALUATOR, None, EVALUATOR, frozenset(KIND_PERMISSIONS[EVALUATOR])))
    seats.append(Seat(ROOM, ROOM, None, ROOM, frozenset()))
    return {s.id: s for s in seats}


SOLO_ROLES = ("players", "facilitator", "evaluator")


def solo_seat(role: str) -> Seat:
    """The one seat of `cyberdrill play --role ROLE`."""
    if role == FACILITATOR:
        perms = set(KIND_PERMISSIONS[FACILITATOR])
        return Seat(FACILITATOR, FACILITATOR, None, FACILITATOR, frozenset(perms), solo=True)
    if role == EVALUATOR:
        perms = set(KIND_PERMISSIONS[EVALUATOR]) | set(SOLO_EXTRA)
        return Seat(EVALUATOR, EVALUATOR, None, EVALUATOR, frozenset(perms), solo=True)
    perms = set(KIND_PERMISSIONS["cell"]) | set(SOLO_EXTRA)
    return Seat(ALL_CELLS, "cell", None, "players", frozenset(perms), solo=True)


def role_of(seat: Seat) -> str:
    """The UI role a seat's screen shows (players, facilitator, evaluator, room)."""
    return {"cell": "players"}.get(seat.kind, seat.kind)
