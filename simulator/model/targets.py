"""Command targets as written in scenarios, policies and the command line: `zone:servers`, `dc1`, `cert-sante`.

One resolver serves the scenario checker, the policy checker and the engine,
so a target accepted in a file is a target the engine accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.model.actions import ActionSpec
from simulator.model.network import NetworkBody
from simulator.model.validation import suggest

PREFIXES = ("asset", "zone", "service", "function")
_ALLOWED = {
    "asset": ("asset",),
    "zone": ("zone",),
    "asset-or-zone": ("asset", "zone"),
    "asset-or-service": ("asset", "service"),
    "function": ("function",),
    "function-or-all": ("function",),
    "function-count": ("function",),
}


@dataclass(frozen=True)
class Target:
    kind: str  # asset | zone | service | function | choice | all | none | token
    id: str

    def text(self) -> str:
        if self.kind in ("choice", "all", "token"):
            return self.id
        if self.kind == "none":
            return ""
        return f"{self.kind}:{self.id}"


class NetworkIndex:
    """Every id of a network by kind (the network checks keep ids unique across kinds)."""

    def __init__(self, net: NetworkBody):
        self.kinds: dict[str, str] = {}
        for kind, items in (("zone", net.zones), ("asset", net.assets), ("service", net.services), ("function", net.clinical_functions)):
            for item in items:
                self.kinds.setdefault(item.id, kind)
        self._ids: dict[str, list[str]] = {}

    def ids(self, kind: str) -> list[str]:
        """Sorted ids of one kind, computed once (every unknown reference asks for them)."""
        if kind not in self._ids:
            self._ids[kind] = sorted(i for i, k in self.kinds.items() if k == kind)
        return self._ids[kind]


class TargetError(ValueError):
    """A target that does not resolve: the English message, and a `code` and `params` the
    engine's refusals carry (catalogue `engine.refused.<code>`)."""

    def __init__(self, message: str, code: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


def resolve_target(action_id: str, spec: ActionSpec, raw: str | None, index: NetworkIndex | None) -> Target:
    """The target of a command, or ValueError with a message naming what is allowed.

    Tokens starting with '@' (policy placeholders) are accepted as they are.
    `index` None skips the network lookup (a policy checked without a network).
    """
    t = spec.target
    if raw is not None:
        raw = raw.strip()
    if raw is not None and (raw.startswith("@") or ":@" in raw):
        return Target("token", raw)  # a placeholder, expanded when the rule fires
    if t == "none":
        if raw:
            raise TargetError(f"'{action_id}' takes no target (got '{raw}')", "target-none", action=action_id, given=raw)
        return Target("none", "")
    if t == "choice":
        value = raw or spec.default_choice
        if not value:
            raise TargetError(f"'{action_id}' needs a target: one of {', '.join(spec.choices)}", "target-choice-needed", action=action_id, choices=list(spec.choices))
        if value not in spec.choices:
            hint = suggest(value, spec.choices)
            raise TargetError(
                f"'{action_id}' target '{value}' is not one of {', '.join(spec.choices)}" + (f" (did you mean '{hint}'?)" if hint else ""),
                "target-not-a-choice", action=action_id, given=value, choices=list(spec.choices), suggestion=hint or "",
            )
        return Target("choice", value)
    if not raw:
        raise TargetError(f"'{action_id}' needs a target ({t})", "target-needed", action=action_id, kinds=list(_ALLOWED[t]))
    allowed = _ALLOWED[t]
    if t == "function-or-all" and raw == "all":
        return Target("all", "all")
    if ":" in raw:
        prefix, ident = raw.split(":", 1)
        if prefix not in PREFIXES:
            raise TargetError(
                f"unknown target prefix '{prefix}:' (use {', '.join(p + ':' for p in allowed)})", "target-prefix", given=prefix, kinds=list(allowed)
            )
        if prefix not in allowed:
            raise TargetError(f"'{action_id}' acts on {' or '.join(allowed)}, not on a {prefix}", "target-wrong-kind", action=action_id, kinds=list(allowed), kind=prefix)
        if index is not None:
            known = index.kinds.get(ident)
            if known != prefix:
                hint = suggest(ident, index.ids(prefix))
                raise TargetError(f"unknown {prefix} '{ident}'" + (f" (did you mean '{hint}'?)" if hint else ""), "target-unknown", kind=prefix, given=ident, suggestion=hint or "")
        return Target(prefix, ident)
    if index is None:
        return Target(allowed[0], raw)
    known = index.kinds.get(raw)
    if known is None:
        pool = [i for k in allowed for i in index.ids(k)]
        hint = suggest(raw, pool)
        raise TargetError(f"unknown {' or '.join(allowed)} '{raw}'" + (f" (did you mean '{hint}'?)" if hint else ""), "target-unknown-any", kinds=list(allowed), given=raw, suggestion=hint or "")
    if known not in allowed:
        raise TargetError(f"'{action_id}' acts on {' or '.join(allowed)}; '{raw}' is a {known}", "target-is-a", action=action_id, kinds=list(allowed), given=raw, kind=known)
    return Target(known, raw)
