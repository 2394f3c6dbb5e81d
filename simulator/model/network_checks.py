"""Cross-reference checks of a network: every id unique, every reference known, no dependency cycle."""

from __future__ import annotations

from typing import Iterable

from simulator.model.diagnostics import Diagnostic
from simulator.model.network import NetworkBody
from simulator.model.validation import suggest
from simulator.model.yaml_loader import Document

ROOT = ("network",)


def _unknown(kind: str, ref: str, known: Iterable[str]) -> str:
    hint = suggest(ref, known)
    return f"unknown {kind} '{ref}'" + (f" (did you mean '{hint}'?)" if hint else "")


def check_network(net: NetworkBody, doc: Document) -> list[Diagnostic]:
    diags: list[Diagnostic] = []

    def err(path: tuple, message: str, key: bool = False) -> None:
        diags.append(Diagnostic.at(doc.position(ROOT + path, key=key), message))

    # One namespace for every id, so a scenario can name any of them unambiguously.
    first: dict[str, tuple[str, tuple]] = {}
    for section, items in (
        ("site", net.sites),
        ("zone", net.zones),
        ("asset", net.assets),
        ("service", net.services),
        ("clinical function", net.clinical_functions),
    ):
        plural = {"site": "sites", "zone": "zones", "asset": "assets", "service": "services", "clinical function": "clinical_functions"}[section]
        for i, item in enumerate(items):
            path = (plural, i, "id")
            if item.id in first:
                other_kind, other_path = first[item.id]
                other = doc.position(ROOT + other_path)
                err(path, f"duplicate id '{item.id}' (already used by the {other_kind} at {other.file}:{other.line}:{other.col})")
            else:
                first[item.id] = (section, path)

    sites = {s.id for s in net.sites}
    zones = {z.id for z in net.zones}
    assets = {a.id: a for a in net.assets}
    services = {s.id for s in net.services}

    def check_site(path: tuple, site: str | None) -> None:
        if site is not None and site not in sites:
            err(path, _unknown("site", site, sites) if sites else f"unknown site '{site}': this network declares no sites")

    for i, zone in enumerate(net.zones):
        check_site(("zones", i, "site"), zone.site)
    for i, flow in enumerate(net.flows):
        for attr, key in (("from_zone", "from"), ("to_zone", "to")):
            ref = getattr(flow, attr)
            if ref not in zones:
                err(("flows", i, key), f"flow names {_unknown('zone', ref, zones)}")
    for i, asset in enumerate(net.assets):
        if asset.zone not in zones:
            err(("assets", i, "zone"), _unknown("zone", asset.zone, zones))
        check_site(("assets", i, "site"), asset.site)
        for j, ref in enumerate(asset.runs_on):
            if ref == asset.id:
                err(("assets", i, "runs_on", j), f"asset '{asset.id}' cannot run on itself")
            elif ref not in assets:
                err(("assets", i, "runs_on", j), f"runs_on names {_unknown('asset', ref, assets)}")
        if asset.backup is not None:
            for j, ref in enumerate(asset.backup.protects):
                if ref not in assets:
                    err(("assets", i, "backup", "protects", j), f"backup protects {_unknown('asset', ref, assets)}")
    for i, service in enumerate(net.services):
        check_site(("services", i, "site"), service.site)
        for j, need in enumerate(service.needs):
            if need.asset is not None and need.asset not in assets:
                err(("services", i, "needs", j, "asset"), f"service '{service.id}' depends on a missing asset: {_unknown('asset', need.asset, assets)}")
            if need.service is not None:
                if need.service == service.id:
                    err(("services", i, "needs", j, "service"), f"service '{service.id}' cannot depend on itself")
                elif need.service not in services:
                    err(("services", i, "needs", j, "service"), f"service '{service.id}' depends on a missing service: {_unknown('service', need.service, services)}")
    functions = {f.id for f in net.clinical_functions}
    for i, func in enumerate(net.clinical_functions):
        check_site(("clinical_functions", i, "site"), func.site)
        for j, need in enumerate(func.needs):
            if need.service not in services:
                err(("clinical_functions", i, "needs", j, "service"), f"clinical function '{func.id}' depends on a missing service: {_unknown('service', need.service, services)}")
        for j, wait in enumerate(func.waits_on):
            if wait.function == func.id:
                err(("clinical_functions", i, "waits_on", j, "function"), f"clinical function '{func.id}' cannot wait on itself")
            elif wait.function not in functions:
                err(("clinical_functions", i, "waits_on", j, "function"), f"clinical function '{func.id}' waits on {_unknown('clinical function', wait.function, functions)}")
    if net.region is not None:
        seen: set[str] = set()
        for i, nb in enumerate(net.region.neighbours):
            if nb.id in seen:
                err(("region", "neighbours", i, "id"), f"duplicate neighbour id '{nb.id}'")
            seen.add(nb.id)
        for i, tc in enumerate(net.region.time_critical):
            for j, fid in enumerate(tc.needs):
                if fid not in functions:
                    err(("region", "time_critical", i, "needs", j), f"pathway '{tc.pathway}' needs {_unknown('clinical function', fid, functions)}")

    diags.extend(_cycles(net, doc))
    if net.it_staff is None and net.assets:
        diags.append(Diagnostic.at(doc.position(ROOT, key=True), "missing required key 'it_staff' in network: the engine needs the IT staff by shift"))
    return diags


def _cycles(net: NetworkBody, doc: Document) -> list[Diagnostic]:
    """Dependency cycles among services (needs) and among assets (runs_on), reported once each."""
    edges: dict[str, list[tuple[str, tuple]]] = {}
    for i, asset in enumerate(net.assets):
        edges.setdefault("asset:" + asset.id, [])
        for j, ref in enumerate(asset.runs_on):
            edges["asset:" + asset.id].append(("asset:" + ref, ("assets", i, "runs_on", j)))
    for i, service in enumerate(net.services):
        edges.setdefault("service:" + service.id, [])
        for j, need in enumerate(service.needs):
            if need.service is not None:
                edges["service:" + service.id].append(("service:" + need.service, ("services", i, "needs", j, "service")))
    diags: list[Diagnostic] = []
    color: dict[str, int] = {}
    reported: set[frozenset] = set()
    for start in edges:
        if color.get(start):
            continue
        # iterative DFS keeping the current path
        stack = [(start, iter(edges.get(start, [])))]
        on_path = [start]
        color[start] = 1
        while stack:
            node, it = stack[-1]
            advanced = False
            for nxt, where in it:
                if nxt not in edges:
                    continue
                c = color.get(nxt, 0)
                if c == 0:
                    color[nxt] = 1
                    on_path.append(nxt)
                    stack.append((nxt, iter(edges.get(nxt, []))))
                    advanced = True
                    break
                if c == 1:
                    cycle = on_path[on_path.index(nxt):] + [nxt]
                    members = frozenset(cycle)
                    if members not in reported:
                        reported.add(members)
                        shown = " -> ".join(n.split(":", 1)[1] for n in cycle)
                        diags.append(Diagnostic.at(doc.position(ROOT + where), f"dependency cycle: {shown}"))
            if not advanced:
                color[node] = 2
                stack.pop()
                on_path.pop()
    return diags
