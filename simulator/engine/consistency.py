"""A decision's default that contradicts what the cell already did is not applied silently.

At a decision's deadline the default option stands for "the cell did not decide". When the
cell has meanwhile done, by its own commands, what another option does (asked the PRIS for
help while `call-pris` defaults to "internal"), applying the default would contradict it.
The rule:

- the evidence for an option is its *own* actions (action and target): those no other
  option of the decision has (all its actions when it shares every one). Evidence is
  counted when the cell ordered it, by its own commands outside decisions (typed in the
  room, or by the policy playing the cell; not a decision's or an inject's effect, nor the
  IT department's own plan), and it was accepted; a target `all` covers every function.
  An option without actions (a flag: "wait", "keep") has no evidence;
- an option is *already done* when at least half of its own actions are;
- the default *contradicts* the cell when it is not already done and another option is:
  that option is recorded instead (the most done, the first in the scenario's order on a
  tie), as `DecisionMade.by = "consistent"`. Its flags, injects and facts apply; its actions
  do not run (those the cell ordered are not run twice: a second notification would count
  toward a clock's n-th one; the others are not ordered in the cell's place).

An action several options share (`request-support cert-sante` in both "PRIS" and "State"
for `call-pris`) is evidence for neither; declaring the crisis is one third of a "cut"
option that also cuts the internet and remote access: the cell has not cut anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.model.targets import resolve_target

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise

CONSISTENT = "consistent"
_NOT_THE_CELL = ("decision:", "inject:", "it-plan")


def cell_did(ex: "Exercise", action: str, target: str) -> bool:
    """Whether the cell ordered `action` on `target` (normalised text) and it was accepted."""
    for record in ex.actions_taken.get(action, ()):
        if record.source.startswith(_NOT_THE_CELL):
            continue
        if record.target == target or (record.target == "all" and target.startswith("function:")):
            return True
    return False


def _target(ex: "Exercise", action: str, raw: str | None) -> str | None:
    spec = ex.actions.get(action)
    if spec is None:
        return None
    try:
        return resolve_target(action, spec, raw or None, ex.index).text()
    except ValueError:
        return None


def _key(ex: "Exercise", eff) -> tuple[str, str] | None:
    target = _target(ex, eff.action, eff.target)
    return (eff.action, target) if target is not None else None


def own_actions(ex: "Exercise", decision) -> dict[str, list[tuple[str, str]]]:
    """Per option, the actions that are evidence for it (see the module's rule)."""
    actions = {o.id: [k for k in (_key(ex, e) for e in o.effects if e.action is not None) if k is not None] for o in decision.options}
    out = {}
    for oid, keys in actions.items():
        others = {k for other, ks in actions.items() if other != oid for k in ks}
        own = [k for k in keys if k not in others]
        out[oid] = own or keys
    return out


def done_shares(ex: "Exercise", decision) -> dict[str, float]:
    """Per option, the share of its own actions the cell already ordered (0 without actions)."""
    return {
        oid: (sum(1 for a, t in keys if cell_did(ex, a, t)) / len(keys)) if keys else 0.0
        for oid, keys in own_actions(ex, decision).items()
    }


def consistent_option(ex: "Exercise", did: str) -> str | None:
    """The option to record at the deadline instead of a default that contradicts the cell, or None."""
    decision = ex.decisions[did]
    shares = done_shares(ex, decision)
    if shares.get(decision.default, 0.0) >= 0.5:
        return None
    best = max(shares.values(), default=0.0)
    if best < 0.5:
        return None
    return next(o.id for o in decision.options if shares[o.id] == best)


def consistent_effects(effects) -> list:
    """What applying an option as consistent does: its flags, injects and facts, no action."""
    return [e for e in effects if e.action is None]
