"""What the crisis cell knows, kept apart from ground truth.

The engine holds the truth (what the attacker really did). Players must see only what
reaches them: alerts someone noticed, symptoms once the hospital is aware (users call,
screens show the ransom note, machines do not answer) and the results of their own
actions. The rules, documented in docs/room.md:

- an undetected foothold never shows: an asset is "compromised" for the cell only once
  an alert was noticed on it (it is then "suspicious");
- what the attacker broke (encrypted machines, machines it stopped, backups it destroyed,
  services it took down) shows once the hospital is aware (the `awareness` fact), not
  before: before, the board shows the hospital as the cell believes it is;
- what the cell did itself (isolations, machines taken offline, restores) always shows;
- ground-truth events (attacker stages, raw alerts) never reach the cell; an attacker's
  change that happened before awareness never appears in the cell's log either (the cell
  learns the state, not when it happened); the exfiltration fact is ground truth (the
  cell learns of a leak through injects: a claim, the press);
- the cell comes into session at T+0: what happened before (the weekend's shift changes
  while the attacker dwelt) reaches it as the state it finds, not as lines in its log.

Pure functions of the exercise's state: nothing here changes the engine.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Mapping

from simulator.hospital.graph import LEVEL_NAMES, UP
from simulator.hospital.state import AssetStatus

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise

HIDDEN_FACTS = frozenset({"exfiltration"})
"""Facts that are ground truth whenever they happen."""
FACTS_AFTER_AWARENESS = frozenset({"encryption"})
"""Facts the cell learns only once the hospital is aware."""


def aware_at(ex: "Exercise") -> float | None:
    """When the hospital became aware that something is wrong (None: not yet)."""
    return ex.facts.get("awareness")


def known_status(ex: "Exercise", asset: str) -> AssetStatus:
    """The asset as the cell sees it."""
    st = ex.state.status(asset)
    aware = "awareness" in ex.facts
    changes: dict = {}
    if st.compromised and not st.suspicious:
        changes["compromised"] = 0
    if st.encrypted and not aware:
        changes["encrypted"] = 0
        changes["compromised"] = st.compromised if st.suspicious else 0
    if st.offline and not aware and asset in ex.stopped_by_attacker:
        changes["offline"] = False
    return replace(st, **changes) if changes else st


def known_states(ex: "Exercise", asset: str) -> tuple[str, ...]:
    """Display states of an asset for the cell, most severe first."""
    return tuple(s.value for s in known_status(ex, asset).states())


def known_levels(ex: "Exercise") -> Mapping[str, str]:
    """Availability of every node as the cell believes it ("up" omitted).

    Once the hospital is aware, users report what does not work: the true levels. Before,
    only what the cell's own knowledge of its assets implies (propagated along the
    dependency graph): nothing the attacker did shows yet.
    """
    if "awareness" in ex.facts:
        return {n: LEVEL_NAMES[lv] for n, lv in ex.state._level.items() if lv}
    model = ex.model
    fraction = ex.state.group_down_fraction
    base: dict[str, int] = {}
    for asset in ex.state._status:
        level = known_status(ex, asset).level(fraction)
        if level != UP:
            base[asset] = level
    if not base:
        return {}
    return {n: LEVEL_NAMES[lv] for n, lv in model._propagate_from(base).items() if lv}


def cell_knows(record: Mapping, aware: bool, actions: Mapping) -> bool:
    """Whether an event record (as journaled) is something the cell can know of.

    `aware`: whether the hospital was aware when the event happened (read in the order the
    events came); `actions`: the response actions' ids (an asset changed by one of them was
    changed by the cell; the attacker's changes name its stage). Who a record is addressed
    to (injects, notes, ratings) is decided by the seat that reads it.
    """
    if record.get("truth"):
        return False
    if record.get("t", 0.0) < 0.0:
        return False
    kind = record.get("kind")
    if kind == "asset-changed":
        return aware or record.get("cause") in actions
    if kind == "availability":
        return aware
    if kind == "fact":
        fact = record.get("fact")
        if fact in HIDDEN_FACTS:
            return False
        if fact in FACTS_AFTER_AWARENESS:
            return aware
    return True
