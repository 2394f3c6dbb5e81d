"""Per-run state of the hospital: what happened to each asset, and what is still available.

The model (`HospitalModel`) never changes; a `HospitalState` belongs to one run.
Availability is kept up to date incrementally: a change to one node walks only
its dependents, in topological order, and stops where nothing changes.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace
from enum import Enum
from types import MappingProxyType
from typing import Iterable, Mapping

from simulator.hospital.graph import DEGRADED, DOWN, LEVEL_NAMES, UP, Availability, HospitalModel, node_level

Changes = Mapping[str, Availability]
"""Nodes whose availability changed in one update, with their new availability."""


class AssetState(str, Enum):
    """What the crisis cell sees for one asset, most severe first in `AssetStatus.states()`."""

    restoring = "restoring"
    encrypted = "encrypted"
    isolated = "isolated"
    offline = "offline"
    compromised = "compromised"
    suspicious = "suspicious"
    healthy = "healthy"


@dataclass(frozen=True)
class AssetStatus:
    """Facts about one asset node; counts are machines, so a group can be partly hit.

    Isolation and power state are flags separate from compromise and encryption:
    an asset can be encrypted and isolated at once.
    """

    count: int = 1
    suspicious: bool = False
    compromised: int = 0
    encrypted: int = 0
    isolated: bool = False
    offline: bool = False
    restoring: bool = False

    @property
    def compromised_fraction(self) -> float:
        return self.compromised / self.count

    @property
    def encrypted_fraction(self) -> float:
        return self.encrypted / self.count

    def states(self) -> tuple[AssetState, ...]:
        """Every state that applies, most severe first; (healthy,) when none does."""
        found = []
        if self.restoring:
            found.append(AssetState.restoring)
        if self.encrypted:
            found.append(AssetState.encrypted)
        if self.isolated:
            found.append(AssetState.isolated)
        if self.offline:
            found.append(AssetState.offline)
        if self.compromised:
            found.append(AssetState.compromised)
        if self.suspicious:
            found.append(AssetState.suspicious)
        return tuple(found) or (AssetState.healthy,)

    @property
    def display(self) -> AssetState:
        return self.states()[0]

    def level(self, group_down_fraction: float) -> int:
        """Own availability: out of service when isolated, off, being restored or encrypted.

        A group is down once `group_down_fraction` of its machines are encrypted,
        degraded while fewer are.
        """
        if self.isolated or self.offline or self.restoring:
            return DOWN
        if not self.encrypted:
            return UP
        if self.count == 1 or self.encrypted / self.count >= group_down_fraction:
            return DOWN
        return DEGRADED


@dataclass(frozen=True)
class HospitalSnapshot:
    """An immutable picture of a state, safe to hand to the UI or the journal."""

    assets: Mapping[str, AssetStatus]
    levels: Mapping[str, Availability]
    services: Mapping[str, Availability]
    functions: Mapping[str, Availability]
    isolated_zones: frozenset[str]
    internet_cut: bool

    def available(self, node_id: str) -> Availability:
        return self.levels.get(node_id, "up")

    def display_state(self, asset_id: str) -> AssetState:
        return self.assets[asset_id].display


_STATUS_FIELDS = frozenset({"count", "suspicious", "compromised", "encrypted", "isolated", "offline", "restoring"})
_NO_CHANGES: Changes = MappingProxyType({})


class HospitalState:
    """Mutable per-run state over an immutable `HospitalModel`.

    Every mutator returns the availability changes it caused, so the engine can
    emit events for exactly those.
    """

    def __init__(self, model: HospitalModel, group_down_fraction: float = 0.5):
        if not 0 < group_down_fraction <= 1:
            raise ValueError("group_down_fraction must be in (0, 1]")
        self.model = model
        self.group_down_fraction = group_down_fraction
        defaults = model._caches.get("default_status")
        if defaults is None:  # frozen statuses of an immutable model: shared by every run on it
            defaults = model._caches["default_status"] = MappingProxyType({a.id: AssetStatus(count=a.count) for a in model.network.assets})
        self._defaults = defaults
        self._status: dict[str, AssetStatus] = {}
        self.out_of_use: set[str] = set()  # isolated, offline or being restored: no foothold, no service
        self._forced: dict[str, int] = {}
        self._base: dict[str, int] = {}
        self._level: dict[str, int] = {}
        self._isolated_assets: set[str] = set()
        self._isolated_zones: set[str] = set()
        self.internet_cut = False

    # ---------------------------------------------------------------- reading

    def status(self, asset_id: str) -> AssetStatus:
        found = self._status.get(asset_id)
        if found is None:
            found = self._defaults.get(asset_id)
            if found is None:
                raise KeyError(f"unknown asset '{asset_id}'")
        return found

    def display_state(self, asset_id: str) -> AssetState:
        return self.status(asset_id).display

    def available(self, node_id: str) -> Availability:
        if node_id not in self.model.topo_index:
            raise KeyError(f"unknown asset, service or clinical function '{node_id}'")
        return LEVEL_NAMES[self._level.get(node_id, UP)]

    def services_status(self) -> dict[str, Availability]:
        return {s: LEVEL_NAMES[self._level.get(s, UP)] for s in self.model.services}

    def functions_status(self) -> dict[str, Availability]:
        return {f: LEVEL_NAMES[self._level.get(f, UP)] for f in self.model.functions}

    def unavailable(self) -> dict[str, Availability]:
        """Every node not fully up, with its availability."""
        return {n: LEVEL_NAMES[lv] for n, lv in self._level.items()}

    def own_levels(self) -> dict[str, int]:
        """Each node's own level before propagation (0 up, 1 degraded, 2 down), non-zero only."""
        return dict(self._base)

    def assets_in(self, *states: AssetState) -> list[str]:
        """Assets (file order) showing any of `states` among their states."""
        wanted = set(states)
        return [a for a in self.model.assets if wanted.intersection(self.status(a).states())]

    @property
    def isolated_assets(self) -> frozenset[str]:
        return frozenset(self._isolated_assets)

    @property
    def isolated_zones(self) -> frozenset[str]:
        return frozenset(self._isolated_zones)

    def reachable(self, footholds: Iterable[str]) -> frozenset[str]:
        """Assets reachable from `footholds` under this run's isolations and internet cut."""
        return self.model.reachable_assets(
            footholds, frozenset(self._isolated_assets), frozenset(self._isolated_zones), self.internet_cut
        )

    # --------------------------------------------------------------- mutators

    def update(self, asset_id: str, **changes) -> Changes:
        """Set fields of an asset's status (see AssetStatus) and propagate availability."""
        old = self.status(asset_id)
        if "count" in changes and changes["count"] != old.count:
            raise ValueError("the machine count of an asset is fixed by the network")
        get = changes.get
        new = AssetStatus(  # dataclasses.replace, without its per-call field introspection
            old.count,
            get("suspicious", old.suspicious),
            get("compromised", old.compromised),
            get("encrypted", old.encrypted),
            get("isolated", old.isolated),
            get("offline", old.offline),
            get("restoring", old.restoring),
        )
        if not changes.keys() <= _STATUS_FIELDS:
            new = replace(old, **changes)  # let dataclasses name an unknown field
        if not (0 <= new.encrypted <= new.count and 0 <= new.compromised <= new.count):
            raise ValueError(f"machine counts of '{asset_id}' must be between 0 and {new.count}")
        if new.encrypted > new.compromised:
            new = replace(new, compromised=new.encrypted)
        if new == self._defaults[asset_id]:
            self._status.pop(asset_id, None)
        else:
            self._status[asset_id] = new
        if new.isolated:
            self._isolated_assets.add(asset_id)
        else:
            self._isolated_assets.discard(asset_id)
        if new.isolated or new.offline or new.restoring:
            self.out_of_use.add(asset_id)
        else:
            self.out_of_use.discard(asset_id)
        return self._refresh(asset_id)

    def mark_suspicious(self, asset_id: str, on: bool = True) -> Changes:
        return self.update(asset_id, suspicious=on)

    def compromise(self, asset_id: str, machines: int | None = None) -> Changes:
        """At least `machines` machines of the asset compromised (None: all of them)."""
        st = self.status(asset_id)
        target = st.count if machines is None else min(st.count, machines)
        if st.compromised >= target:
            return _NO_CHANGES  # already held (lateral movement reaches footholds again): nothing to update
        return self.update(asset_id, compromised=target)

    def encrypt(self, asset_id: str, machines: int | None = None) -> Changes:
        """At least `machines` machines of the asset encrypted (None: all of them)."""
        st = self.status(asset_id)
        target = st.count if machines is None else min(st.count, machines)
        return self.update(asset_id, encrypted=max(st.encrypted, target))

    def isolate(self, asset_id: str, on: bool = True) -> Changes:
        return self.update(asset_id, isolated=on)

    def set_offline(self, asset_id: str, on: bool = True) -> Changes:
        return self.update(asset_id, offline=on)

    def start_restore(self, asset_id: str) -> Changes:
        return self.update(asset_id, restoring=True)

    def finish_restore(self, asset_id: str) -> Changes:
        """Rebuilt or restored: clean and powered on; isolation stays until lifted."""
        return self.update(
            asset_id, restoring=False, encrypted=0, compromised=0, suspicious=False, offline=False
        )

    def set_down(self, node_id: str, down: bool = True) -> Changes:
        """Force any asset, service or function down (a precautionary shutdown), or lift it."""
        return self._force(node_id, DOWN if down else UP)

    def set_degraded(self, node_id: str, degraded: bool = True) -> Changes:
        """Force a node degraded (e.g. a third party running slow), or lift it."""
        return self._force(node_id, DEGRADED if degraded else UP)

    def isolate_zone(self, zone_id: str, on: bool = True) -> None:
        """Cut every flow in and out of a zone (reachability only; availability is unchanged)."""
        if zone_id not in self.model.zones:
            raise KeyError(f"unknown zone '{zone_id}'")
        if on:
            self._isolated_zones.add(zone_id)
        else:
            self._isolated_zones.discard(zone_id)

    def set_internet_cut(self, on: bool = True) -> None:
        self.internet_cut = on

    # ------------------------------------------------------------ copy, snapshot

    def copy(self) -> "HospitalState":
        other = HospitalState.__new__(HospitalState)
        other.model = self.model
        other.group_down_fraction = self.group_down_fraction
        other._defaults = self._defaults
        other._status = dict(self._status)
        other._forced = dict(self._forced)
        other._base = dict(self._base)
        other._level = dict(self._level)
        other._isolated_assets = set(self._isolated_assets)
        other.out_of_use = set(self.out_of_use)
        other._isolated_zones = set(self._isolated_zones)
        other.internet_cut = self.internet_cut
        return other

    def snapshot(self) -> HospitalSnapshot:
        statuses = dict(self._defaults)
        statuses.update(self._status)
        return HospitalSnapshot(
            assets=MappingProxyType(statuses),
            levels=MappingProxyType(self.unavailable()),
            services=MappingProxyType(self.services_status()),
            functions=MappingProxyType(self.functions_status()),
            isolated_zones=frozenset(self._isolated_zones),
            internet_cut=self.internet_cut,
        )

    # --------------------------------------------------------------- internals

    def _force(self, node_id: str, level: int) -> Changes:
        if node_id not in self.model.topo_index:
            raise KeyError(f"unknown asset, service or clinical function '{node_id}'")
        if level:
            self._forced[node_id] = level
        else:
            self._forced.pop(node_id, None)
        return self._refresh(node_id)

    def _refresh(self, node_id: str) -> Changes:
        own = self._forced.get(node_id, UP)
        st = self._status.get(node_id)
        if st is not None:
            own = max(own, st.level(self.group_down_fraction))
        if own == self._base.get(node_id, UP):
            return MappingProxyType({})
        if own:
            self._base[node_id] = own
        else:
            self._base.pop(node_id, None)
        return self._propagate(node_id)

    def _propagate(self, start: str) -> Changes:
        """Recompute `start` then its dependents in topological order, stopping where nothing changes."""
        m = self.model
        index = m.topo_index
        heap = [(index[start], start)]
        queued = {start}
        changed: dict[str, Availability] = {}
        level = self._level
        while heap:
            _, n = heapq.heappop(heap)
            queued.discard(n)
            new = node_level(self._base.get(n, UP), m.hard_preds[n], m.soft_preds[n], level)
            if new == level.get(n, UP):
                continue
            if new:
                level[n] = new
            else:
                level.pop(n, None)
            changed[n] = LEVEL_NAMES[new]
            for d in m.dependents[n]:
                if d not in queued:
                    queued.add(d)
                    heapq.heappush(heap, (index[d], d))
        return MappingProxyType(changed)
