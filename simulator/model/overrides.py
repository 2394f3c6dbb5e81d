"""A scenario's overrides applied to its network: one hospital, many scenarios."""

from __future__ import annotations

from simulator.model.network import NetworkBody
from simulator.model.scenario import Override


def override_problem(net: NetworkBody, ov: Override) -> tuple[str, str] | None:
    """(key, message) when an override names something the network lacks, else None."""
    assets = {a.id: a for a in net.assets}
    zones = {z.id for z in net.zones}
    if ov.asset is not None:
        if ov.asset not in assets:
            return "asset", f"override names unknown asset '{ov.asset}'"
        if ov.backup is not None and assets[ov.asset].backup is None:
            return "backup", f"asset '{ov.asset}' is not a backup: 'backup' overrides apply to assets of kind backup"
    for key, flow in (("add_flow", ov.add_flow), ("remove_flow", ov.remove_flow)):
        if flow is None:
            continue
        for z in (flow.from_zone, flow.to_zone):
            if z not in zones:
                return key, f"override names unknown zone '{z}'"
        if key == "remove_flow" and not any(
            {f.from_zone, f.to_zone} == {flow.from_zone, flow.to_zone} for f in net.flows
        ):
            return key, f"no flow between '{flow.from_zone}' and '{flow.to_zone}' to remove"
    if ov.it_staff is not None and net.it_staff is None:
        return "it_staff", "the network has no it_staff section to change"
    return None


def apply_overrides(net: NetworkBody, overrides: list[Override]) -> NetworkBody:
    """A new network with every override applied in order (skipping ones `override_problem` rejects)."""
    for ov in overrides:
        if override_problem(net, ov) is not None:
            continue
        if ov.asset is not None:
            if ov.remove:
                net = _remove_asset(net, ov.asset)
                continue
            assets = []
            for a in net.assets:
                if a.id == ov.asset:
                    if ov.controls is not None:
                        patch = ov.controls.model_dump(exclude_none=True)
                        a = a.model_copy(update={"controls": a.controls.model_copy(update=patch)})
                    if ov.backup is not None and a.backup is not None:
                        a = a.model_copy(update={"backup": a.backup.model_copy(update=ov.backup.model_dump(exclude_none=True))})
                assets.append(a)
            net = net.model_copy(update={"assets": assets})
        elif ov.controls is not None:
            net = net.model_copy(update={"controls": net.controls.model_copy(update=ov.controls.model_dump(exclude_none=True))})
        elif ov.it_staff is not None and net.it_staff is not None:
            net = net.model_copy(update={"it_staff": net.it_staff.model_copy(update=ov.it_staff.model_dump(exclude_none=True))})
        elif ov.add_flow is not None:
            net = net.model_copy(update={"flows": [*net.flows, ov.add_flow]})
        elif ov.remove_flow is not None:
            pair = {ov.remove_flow.from_zone, ov.remove_flow.to_zone}
            net = net.model_copy(update={"flows": [f for f in net.flows if {f.from_zone, f.to_zone} != pair]})
    return net


def _remove_asset(net: NetworkBody, asset_id: str) -> NetworkBody:
    """Drop an asset and every mention of it (runs_on, backup protects, service needs)."""
    assets = []
    for a in net.assets:
        if a.id == asset_id:
            continue
        update = {}
        if asset_id in a.runs_on:
            update["runs_on"] = [r for r in a.runs_on if r != asset_id]
        if a.backup is not None and asset_id in a.backup.protects:
            update["backup"] = a.backup.model_copy(update={"protects": [p for p in a.backup.protects if p != asset_id]})
        assets.append(a.model_copy(update=update) if update else a)
    services = []
    for s in net.services:
        needs = [n for n in s.needs if n.asset != asset_id]
        if len(needs) != len(s.needs):
            if not needs:
                continue  # the service only ran on the removed asset: it no longer exists
            s = s.model_copy(update={"needs": needs})
        services.append(s)
    kept = {s.id for s in services}
    services = [s.model_copy(update={"needs": [n for n in s.needs if n.service is None or n.service in kept]}) for s in services]
    functions = [
        f.model_copy(update={"needs": [n for n in f.needs if n.service in kept]}) for f in net.clinical_functions
    ]
    return net.model_copy(update={"assets": assets, "services": services, "clinical_functions": functions})
