"""The static hospital graph: built once from a network file, queried on every engine event.

Two graphs, kept apart on purpose: `flow_graph` (zones, assets, allowed flows)
is what lateral movement walks; `dep_graph` (dependency -> dependent) is what
outages propagate along. Everything that cannot change during a run is
precomputed here; the per-run state lives in `simulator.hospital.state`.
"""

from __future__ import annotations

import functools
from collections import deque
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Iterable, Literal, Mapping

import networkx as nx

from simulator.model.diagnostics import Diagnostic, InputError
from simulator.model.network import Asset, AssetKind, ClinicalFunction, NetworkBody, Service, Zone, ZoneKind

Availability = Literal["up", "degraded", "down"]
NodeType = Literal["zone", "asset", "service", "function"]

UP, DEGRADED, DOWN = 0, 1, 2
LEVEL_NAMES: tuple[Availability, Availability, Availability] = ("up", "degraded", "down")

# Kinds a backup with an empty `protects` list covers: where the data lives.
BACKED_UP_KINDS = frozenset({AssetKind.server, AssetKind.database, AssetKind.storage, AssetKind.hypervisor})

_CACHE_SIZE = 512
_ASSET_CACHE_SIZE = 64  # entries hold whole asset sets: keep few


@dataclass(frozen=True)
class Impact:
    """What is lost when some nodes are down or degraded (every field a frozenset of ids)."""

    assets_down: frozenset[str] = frozenset()
    assets_degraded: frozenset[str] = frozenset()
    services_down: frozenset[str] = frozenset()
    services_degraded: frozenset[str] = frozenset()
    functions_down: frozenset[str] = frozenset()
    functions_degraded: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (
            self.assets_down or self.assets_degraded or self.services_down
            or self.services_degraded or self.functions_down or self.functions_degraded
        )


@dataclass(frozen=True)
class NetworkCounts:
    """Sizes shown by `cyberdrill network show`."""

    sites: int
    zones: int
    flows: int
    assets: int
    machines: int
    services: int
    clinical_functions: int


@dataclass(frozen=True)
class BackupInfo:
    """One backup asset and the assets it can restore."""

    asset: str
    offline: bool
    protects: frozenset[str]
    restore_hours_per_asset: float
    age_hours: float
    parallel_restores: int = 4


@dataclass(frozen=True, eq=False, repr=False)
class HospitalModel:
    """Immutable graph view of one network; build with `HospitalModel.build(net)`."""

    network: NetworkBody
    flow_graph: nx.DiGraph
    dep_graph: nx.DiGraph
    zones: Mapping[str, Zone]
    assets: Mapping[str, Asset]
    services: Mapping[str, Service]
    functions: Mapping[str, ClinicalFunction]
    asset_zone: Mapping[str, str]
    asset_site: Mapping[str, str | None]
    zone_assets: Mapping[str, tuple[str, ...]]
    kind_assets: Mapping[str, tuple[str, ...]]
    site_assets: Mapping[str | None, tuple[str, ...]]
    zone_successors: Mapping[str, tuple[str, ...]]
    zone_closure: Mapping[str, frozenset[str]]
    external_zones: frozenset[str]
    topo_order: tuple[str, ...]
    topo_index: Mapping[str, int]
    dependents: Mapping[str, tuple[str, ...]]
    hard_preds: Mapping[str, tuple[str, ...]]
    soft_preds: Mapping[str, tuple[str, ...]]
    internet_facing: frozenset[str]
    domain_joined: frozenset[str]
    backups: Mapping[str, BackupInfo]
    protected_by: Mapping[str, tuple[str, ...]]
    _zone_asset_sets: Mapping[str, frozenset[str]] = field(repr=False)
    _caches: dict = field(repr=False, default_factory=dict)

    # ------------------------------------------------------------------ build

    @classmethod
    def build(cls, net: NetworkBody, source: str | None = None) -> "HospitalModel":
        """Build the graphs; `source` names the file in diagnostics if references are broken."""
        where = source or f"<network {net.id}>"
        _check_references(net, where)

        zones = {z.id: z for z in net.zones}
        assets = {a.id: a for a in net.assets}
        services = {s.id: s for s in net.services}
        functions = {f.id: f for f in net.clinical_functions}

        # flow graph: zones and assets, flows between zones, membership both ways
        flow = nx.DiGraph(network=net.id)
        for z in net.zones:
            flow.add_node(z.id, type="zone", kind=z.kind.value, site=z.site, internet_exposed=z.internet_exposed)
        zone_assets: dict[str, list[str]] = {z.id: [] for z in net.zones}
        asset_site: dict[str, str | None] = {}
        for a in net.assets:
            site = a.site if a.site is not None else zones[a.zone].site
            asset_site[a.id] = site
            zone_assets[a.zone].append(a.id)
            flow.add_node(a.id, type="asset", kind=a.kind.value, zone=a.zone, site=site, count=a.count)
            flow.add_edge(a.id, a.zone, edge="member")
            flow.add_edge(a.zone, a.id, edge="member")
        for f in net.flows:
            pairs = [(f.from_zone, f.to_zone)]
            if f.bidirectional:
                pairs.append((f.to_zone, f.from_zone))
            for u, v in pairs:
                if u == v:
                    continue
                if flow.has_edge(u, v):
                    known = flow.edges[u, v]["protocols"]
                    flow.edges[u, v]["protocols"] = known + tuple(p for p in f.protocols if p not in known)
                else:
                    flow.add_edge(u, v, edge="flow", protocols=tuple(dict.fromkeys(f.protocols)))

        zone_succ = {
            z: tuple(v for v in flow.successors(z) if flow.edges[z, v]["edge"] == "flow") for z in zones
        }
        stepping = frozenset(z for z, members in zone_assets.items() if members)
        closure = {z: frozenset(_zone_bfs({z}, zone_succ, stepping.__contains__, lambda _u, _v: True)) for z in zones}

        # dependency graph: dependency -> dependent
        dep = nx.DiGraph(network=net.id)
        for a in net.assets:
            dep.add_node(a.id, type="asset", kind=a.kind.value)
        for s in net.services:
            dep.add_node(s.id, type="service", kind=s.category.value)
        for fn in net.clinical_functions:
            dep.add_node(fn.id, type="function", kind="clinical-function")

        def add_dep(src: str, dst: str, strength: str, relation: str) -> None:
            if dep.has_edge(src, dst):
                if strength == "hard":
                    dep.edges[src, dst]["strength"] = "hard"
                return
            dep.add_edge(src, dst, strength=strength, relation=relation)

        for a in net.assets:
            for host in a.runs_on:
                add_dep(host, a.id, "hard", "runs_on")
        for s in net.services:
            for need in s.needs:
                add_dep(need.target, s.id, need.strength.value, "needs")
        for fn in net.clinical_functions:
            for sneed in fn.needs:
                add_dep(sneed.service, fn.id, sneed.strength.value, "needs")
        if not nx.is_directed_acyclic_graph(dep):
            cycle = nx.find_cycle(dep)
            shown = " -> ".join([u for u, _v in cycle] + [cycle[0][0]])
            raise InputError([Diagnostic(where, 1, 1, "error", f"dependency cycle: {shown}")])

        declared = {n: i for i, n in enumerate(dep.nodes)}
        topo = tuple(nx.lexicographical_topological_sort(dep, key=declared.__getitem__))
        hard_preds = {n: tuple(p for p in dep.predecessors(n) if dep.edges[p, n]["strength"] == "hard") for n in dep}
        soft_preds = {n: tuple(p for p in dep.predecessors(n) if dep.edges[p, n]["strength"] == "soft") for n in dep}

        backups: dict[str, BackupInfo] = {}
        protected_by: dict[str, list[str]] = {}
        default_protected = frozenset(a.id for a in net.assets if a.kind in BACKED_UP_KINDS)
        for a in net.assets:
            if a.backup is None:
                continue
            covered = frozenset(a.backup.protects) if a.backup.protects else default_protected
            backups[a.id] = BackupInfo(
                asset=a.id,
                offline=a.backup.offline,
                protects=covered,
                restore_hours_per_asset=a.backup.restore_hours_per_asset,
                age_hours=a.backup.age_hours,
                parallel_restores=a.backup.parallel_restores,
            )
        for a in net.assets:
            holders = [b for b, info in backups.items() if a.id in info.protects]
            if holders:
                protected_by[a.id] = holders

        freeze = MappingProxyType
        return cls(
            network=net,
            flow_graph=nx.freeze(flow),
            dep_graph=nx.freeze(dep),
            zones=freeze(zones),
            assets=freeze(assets),
            services=freeze(services),
            functions=freeze(functions),
            asset_zone=freeze({a.id: a.zone for a in net.assets}),
            asset_site=freeze(asset_site),
            zone_assets=freeze({z: tuple(m) for z, m in zone_assets.items()}),
            kind_assets=freeze(_group(net.assets, lambda a: a.kind.value)),
            site_assets=freeze(_group(net.assets, lambda a: asset_site[a.id])),
            zone_successors=freeze(zone_succ),
            zone_closure=freeze(closure),
            external_zones=frozenset(z.id for z in net.zones if z.kind == ZoneKind.external),
            topo_order=topo,
            topo_index=freeze({n: i for i, n in enumerate(topo)}),
            dependents=freeze({n: tuple(dep.successors(n)) for n in dep}),
            hard_preds=freeze(hard_preds),
            soft_preds=freeze(soft_preds),
            internet_facing=frozenset(
                a.id for a in net.assets if a.internet_facing or zones[a.zone].internet_exposed
            ),
            domain_joined=frozenset(a.id for a in net.assets if a.domain_joined),
            backups=freeze(backups),
            protected_by=freeze({k: tuple(v) for k, v in protected_by.items()}),
            _zone_asset_sets=freeze({z: frozenset(m) for z, m in zone_assets.items()}),
        )

    def __post_init__(self) -> None:
        # Memoised pure queries; per instance so a dropped model frees its caches.
        self._caches["zones"] = functools.lru_cache(maxsize=_CACHE_SIZE)(self._reachable_zones)
        self._caches["assets"] = functools.lru_cache(maxsize=_ASSET_CACHE_SIZE)(self._assets_of_zones)
        self._caches["blast"] = {}
        self._caches["hard_assets"] = {}

    def __repr__(self) -> str:
        c = self.counts()
        return f"HospitalModel({self.network.id!r}, zones={c.zones}, assets={c.assets}, services={c.services}, functions={c.clinical_functions})"

    # ---------------------------------------------------------------- lookups

    def node_type(self, node_id: str) -> NodeType | None:
        """Which kind of node an id names (one namespace for the whole network), or None."""
        if node_id in self.assets:
            return "asset"
        if node_id in self.services:
            return "service"
        if node_id in self.functions:
            return "function"
        if node_id in self.zones:
            return "zone"
        return None

    def counts(self) -> NetworkCounts:
        net = self.network
        return NetworkCounts(
            sites=len(net.sites),
            zones=len(net.zones),
            flows=len(net.flows),
            assets=len(net.assets),
            machines=sum(a.count for a in net.assets),
            services=len(net.services),
            clinical_functions=len(net.clinical_functions),
        )

    def assets_by_zone(self) -> Mapping[str, tuple[str, ...]]:
        """Asset ids of each zone, zones and assets in file order."""
        return self.zone_assets

    def backups_for(self, asset_id: str) -> tuple[str, ...]:
        """Backup assets able to restore `asset_id` (file order)."""
        return self.protected_by.get(asset_id, ())

    def backup_assets(self, offline: bool | None = None) -> list[str]:
        """Backup assets, optionally only the offline (or only the online) ones."""
        return [b for b, info in self.backups.items() if offline is None or info.offline == offline]

    # ----------------------------------------------------------- reachability

    def reachable_assets(
        self,
        footholds: Iterable[str],
        isolated_assets: frozenset[str] = frozenset(),
        isolated_zones: frozenset[str] = frozenset(),
        internet_cut: bool = False,
    ) -> frozenset[str]:
        """Assets an attacker holding `footholds` can reach under the current segmentation.

        Works on zones: from a foothold's zone the attacker reaches every asset of
        that zone and follows allowed flows transitively through zones where it can
        hold a foothold (a zone with at least one asset that is not isolated).
        Isolated assets are neither reached nor used as footholds; an isolated zone
        keeps movement inside it but loses every flow in and out; `internet_cut`
        drops the flows from and to zones of kind 'external'.
        """
        isolated_assets = frozenset(isolated_assets)
        isolated_zones = frozenset(isolated_zones)
        start: set[str] = set()
        for a in footholds:
            zone = self.asset_zone.get(a)
            if zone is None:
                raise KeyError(f"unknown asset '{a}'")
            if a not in isolated_assets:
                start.add(zone)
        if not start:
            return frozenset()
        if isolated_assets:
            per_zone: dict[str, int] = {}
            for a in isolated_assets:
                z = self.asset_zone.get(a)
                if z is not None:
                    per_zone[z] = per_zone.get(z, 0) + 1
            dead = frozenset(z for z, n in per_zone.items() if n >= len(self.zone_assets[z]))
        else:
            dead = frozenset()
        zones = self._caches["zones"](frozenset(start), dead, isolated_zones, bool(internet_cut))
        return self._caches["assets"](zones, isolated_assets)

    def _assets_of_zones(self, zones: frozenset[str], isolated_assets: frozenset[str]) -> frozenset[str]:
        reached: set[str] = set()
        for z in zones:
            reached |= self._zone_asset_sets[z]
        if isolated_assets:
            reached -= isolated_assets
        return frozenset(reached)

    def reachable_zones(
        self,
        footholds: Iterable[str],
        isolated_assets: frozenset[str] = frozenset(),
        isolated_zones: frozenset[str] = frozenset(),
        internet_cut: bool = False,
    ) -> frozenset[str]:
        """Zones reached by `reachable_assets` (same rules)."""
        return frozenset(
            self.asset_zone[a] for a in self.reachable_assets(footholds, isolated_assets, isolated_zones, internet_cut)
        )

    def _reachable_zones(
        self, start: frozenset[str], dead: frozenset[str], isolated_zones: frozenset[str], internet_cut: bool
    ) -> frozenset[str]:
        if not dead and not isolated_zones and not internet_cut:
            out: set[str] = set()
            for z in start:
                out |= self.zone_closure[z]
            return frozenset(out)
        external = self.external_zones if internet_cut else frozenset()

        def edge_open(u: str, v: str) -> bool:
            if v in isolated_zones or v in dead:
                return False
            return not (u in external or v in external)

        def steps(z: str) -> bool:
            return z not in isolated_zones and z not in dead and bool(self.zone_assets[z])

        return frozenset(_zone_bfs(start, self.zone_successors, steps, edge_open))

    # ---------------------------------------------------------------- impact

    def impact(self, down: Iterable[str], degraded: Iterable[str] = ()) -> Impact:
        """Services and functions lost when `down` nodes are down and `degraded` ones degraded.

        Walks only the descendants of the given nodes, in topological order: a
        node is down if it is listed down or any hard dependency is down; degraded
        if listed degraded, a soft dependency is down or degraded, or a hard one is
        degraded. Any dependency node (asset, service, function) may be listed.
        """
        base: dict[str, int] = {}
        for n in degraded:
            self._require_dep_node(n)
            base[n] = DEGRADED
        for n in down:
            self._require_dep_node(n)
            base[n] = DOWN
        if not base:
            return Impact()
        levels = self._propagate_from(base)
        return self._impact_of(levels)

    def blast_radius(self, asset_id: str) -> Impact:
        """Impact of one asset going down (memoised: the model never changes)."""
        cache = self._caches["blast"]
        found = cache.get(asset_id)
        if found is None:
            if asset_id not in self.assets:
                raise KeyError(f"unknown asset '{asset_id}'")
            found = cache[asset_id] = self.impact([asset_id])
        return found

    def _require_dep_node(self, n: str) -> None:
        if n not in self.topo_index:
            raise KeyError(f"unknown asset, service or clinical function '{n}'")

    def _propagate_from(self, base: Mapping[str, int]) -> dict[str, int]:
        affected: set[str] = set(base)
        queue = deque(base)
        deps = self.dependents
        while queue:
            n = queue.popleft()
            for d in deps[n]:
                if d not in affected:
                    affected.add(d)
                    queue.append(d)
        index = self.topo_index
        levels: dict[str, int] = {}
        for n in sorted(affected, key=index.__getitem__):
            lv = node_level(base.get(n, UP), self.hard_preds[n], self.soft_preds[n], levels)
            if lv:
                levels[n] = lv
        return levels

    def _impact_of(self, levels: Mapping[str, int]) -> Impact:
        sets: dict[tuple[str, int], set[str]] = {}
        for n, lv in levels.items():
            sets.setdefault((self.dep_graph.nodes[n]["type"], lv), set()).add(n)

        def get(kind: str, lv: int) -> frozenset[str]:
            return frozenset(sets.get((kind, lv), ()))

        return Impact(
            assets_down=get("asset", DOWN),
            assets_degraded=get("asset", DEGRADED),
            services_down=get("service", DOWN),
            services_degraded=get("service", DEGRADED),
            functions_down=get("function", DOWN),
            functions_degraded=get("function", DEGRADED),
        )

    # ---------------------------------------------------------------- targets

    def hard_asset_dependencies(self, node_id: str) -> frozenset[str]:
        """Assets whose loss alone takes `node_id` down: its ancestors along hard edges."""
        cache = self._caches["hard_assets"]
        found = cache.get(node_id)
        if found is not None:
            return found
        self._require_dep_node(node_id)
        seen: set[str] = set()
        stack = list(self.hard_preds[node_id])
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            stack.extend(self.hard_preds[n])
        found = cache[node_id] = frozenset(n for n in seen if n in self.assets)
        return found

    def targets(
        self,
        kind: str | AssetKind | Iterable[str | AssetKind] | None = None,
        zones: Iterable[str] | None = None,
        sites: Iterable[str] | None = None,
        domain_joined: bool | None = None,
        services: Iterable[str] | None = None,
    ) -> list[str]:
        """Asset ids matching every given filter, in file order.

        `services` keeps the assets those services need, transitively along hard
        dependencies (through other services and runs_on).
        """
        kinds = _as_kinds(kind)
        zone_set = self._known(zones, self.zones, "zone")
        site_set = self._known(sites, {s.id for s in self.network.sites}, "site")
        wanted: frozenset[str] | None = None
        if services is not None:
            acc: set[str] = set()
            for s in services:
                if s not in self.services:
                    raise KeyError(f"unknown service '{s}'")
                acc |= self.hard_asset_dependencies(s)
            wanted = frozenset(acc)
        out = []
        for a in self.network.assets:
            if kinds is not None and a.kind not in kinds:
                continue
            if zone_set is not None and a.zone not in zone_set:
                continue
            if site_set is not None and self.asset_site[a.id] not in site_set:
                continue
            if domain_joined is not None and a.domain_joined != domain_joined:
                continue
            if wanted is not None and a.id not in wanted:
                continue
            out.append(a.id)
        return out

    @staticmethod
    def _known(ids: Iterable[str] | None, known: Mapping | set, what: str) -> frozenset[str] | None:
        if ids is None:
            return None
        if isinstance(ids, str):
            ids = [ids]
        chosen = frozenset(ids)
        for i in sorted(chosen):
            if i not in known:
                raise KeyError(f"unknown {what} '{i}'")
        return chosen

    def critical_dependencies(self) -> dict[str, tuple[str, ...]]:
        """For each clinical function, the assets whose loss alone stops it (file order)."""
        order = {a: i for i, a in enumerate(self.assets)}
        return {
            f: tuple(sorted(self.hard_asset_dependencies(f), key=order.__getitem__)) for f in self.functions
        }


def node_level(base: int, hard: Iterable[str], soft: Iterable[str], levels: Mapping[str, int]) -> int:
    """The propagation rule, shared by the full and the incremental computations."""
    lv = base
    if lv == DOWN:
        return DOWN
    for p in hard:
        pl = levels.get(p, UP)
        if pl == DOWN:
            return DOWN
        if pl > lv:
            lv = pl
    if lv == UP:
        for p in soft:
            if levels.get(p, UP):
                return DEGRADED
    return lv


def _zone_bfs(start, succ, steps, edge_open) -> set[str]:
    """Zones reached from `start`, leaving a zone only if the attacker can stand in it (`steps`)."""
    seen = set(start)
    queue = deque(start)
    while queue:
        z = queue.popleft()
        if not steps(z):
            continue
        for v in succ[z]:
            if v not in seen and edge_open(z, v):
                seen.add(v)
                queue.append(v)
    return seen


def _group(assets: Iterable[Asset], key) -> dict:
    """Asset ids grouped by `key`, each group in file order."""
    out: dict = {}
    for a in assets:
        out.setdefault(key(a), []).append(a.id)
    return {k: tuple(v) for k, v in out.items()}


def _as_kinds(kind) -> frozenset[AssetKind] | None:
    if kind is None:
        return None
    items = [kind] if isinstance(kind, (str, AssetKind)) else list(kind)
    out = set()
    for k in items:
        try:
            out.add(AssetKind(k))
        except ValueError:
            raise KeyError(f"unknown asset kind '{k}'") from None
    return frozenset(out)


def _check_references(net: NetworkBody, where: str) -> None:
    """Refuse a network whose references dangle: the graph would silently invent nodes."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for what, items in (
        ("zone", net.zones),
        ("asset", net.assets),
        ("service", net.services),
        ("clinical function", net.clinical_functions),
    ):
        for item in items:
            if item.id in seen:
                problems.append(f"duplicate id '{item.id}' ({what}, already a {seen[item.id]})")
            else:
                seen[item.id] = what
    zones = {z.id for z in net.zones}
    assets = {a.id for a in net.assets}
    services = {s.id for s in net.services}
    for f in net.flows:
        for ref in (f.from_zone, f.to_zone):
            if ref not in zones:
                problems.append(f"flow names unknown zone '{ref}'")
    for a in net.assets:
        if a.zone not in zones:
            problems.append(f"asset '{a.id}' is in unknown zone '{a.zone}'")
        for ref in a.runs_on:
            if ref == a.id:
                problems.append(f"asset '{a.id}' cannot run on itself")
            elif ref not in assets:
                problems.append(f"asset '{a.id}' runs on unknown asset '{ref}'")
        if a.backup is not None:
            for ref in a.backup.protects:
                if ref not in assets:
                    problems.append(f"backup '{a.id}' protects unknown asset '{ref}'")
    for s in net.services:
        for need in s.needs:
            if need.asset is not None and need.asset not in assets:
                problems.append(f"service '{s.id}' needs unknown asset '{need.asset}'")
            if need.service == s.id:
                problems.append(f"service '{s.id}' cannot depend on itself")
            elif need.service is not None and need.service not in services:
                problems.append(f"service '{s.id}' needs unknown service '{need.service}'")
    for fn in net.clinical_functions:
        for sneed in fn.needs:
            if sneed.service not in services:
                problems.append(f"clinical function '{fn.id}' needs unknown service '{sneed.service}'")
    if problems:
        raise InputError([Diagnostic(where, 1, 1, "error", p) for p in problems])
