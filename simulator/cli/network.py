"""`cyberdrill network show|export|generate`: look at a hospital model, export it, build bigger ones."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from simulator.cli import cli
from simulator.cli.output import fail, given_path, shipped_or_path, print_json, refuse_overwriting_inputs, usage_error, write_atomic, write_or_fail
from simulator.model.diagnostics import InputError
from simulator.model.documents import load_document


@cli.group("network")
def network() -> None:
    """Inspect, export and generate hospital network files."""


def _load(path: str):
    from simulator.hospital.graph import HospitalModel

    try:
        loaded = load_document(path, expect="network")
    except InputError as exc:
        fail(exc)
    if loaded.kind != "network":
        usage_error(path, "a network_fragment file cannot be shown on its own: open the network that includes it")
    return loaded, HospitalModel.build(loaded.body)


def summary(net, model) -> dict:
    zones = []
    for zone in net.zones:
        members = [a for a in net.assets if a.zone == zone.id]
        zones.append(
            {
                "id": zone.id,
                "kind": zone.kind.value,
                "assets": len(members),
                "machines": sum(a.count for a in members),
            }
        )
    critical = model.critical_dependencies()
    return {
        "id": net.id,
        "name": net.name.get("en"),
        "beds": net.beds,
        "sites": len(net.sites) or 1,
        "zones": len(net.zones),
        "flows": len(net.flows),
        "assets": len(net.assets),
        "machines": sum(a.count for a in net.assets),
        "services": len(net.services),
        "clinical_functions": len(net.clinical_functions),
        "zone_list": zones,
        "service_list": [{"id": s.id, "category": s.category.value, "restore_priority": s.restore_priority} for s in net.services],
        "clinical_function_list": [
            {"id": f.id, "arrivals_per_day": f.arrivals_per_day, "capacity_per_hour": f.capacity_per_hour}
            for f in net.clinical_functions
        ],
        "critical_dependencies": {fid: sorted(assets) for fid, assets in sorted(critical.items())},
    }


def _refuse_existing(out: str, force: bool) -> None:
    """As batch --out: an existing file (a hand-edited network, say) is replaced only with --force."""
    import os
    from pathlib import Path

    if Path(out).is_dir():
        usage_error(out, "-o names a folder: give the file's name")
    if os.path.lexists(out) and not force:  # lexists: a dangling link would be followed and its target created
        usage_error(out, "file already exists: refusing to overwrite it (--force replaces it)")


@network.command("show")
@click.argument("file", type=click.Path(), callback=shipped_or_path("network"))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary (counts, zones, services, dependencies).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="en", show_default=True, help="Language of names.")
def show(file: str, as_json: bool, lang: str) -> None:
    """Zones, assets, services, clinical functions and critical dependencies of a network."""
    loaded, model = _load(file)
    net = loaded.body
    data = summary(net, model)
    if as_json:
        print_json(data)
        return
    console = Console()
    console.print(f"[bold]{net.name.get(lang)}[/bold] ({net.id}): {net.beds} beds, {data['sites']} site(s)")
    console.print(
        f"{data['zones']} zones, {data['flows']} flows, {data['assets']} assets ({data['machines']} machines), "
        f"{data['services']} services, {data['clinical_functions']} clinical functions"
    )
    zt = Table(title="Zones", show_lines=False)
    for col in ("zone", "kind", "assets", "machines"):
        zt.add_column(col)
    for z in data["zone_list"]:
        zt.add_row(z["id"], z["kind"], str(z["assets"]), str(z["machines"]))
    console.print(zt)
    st = Table(title="Services")
    for col in ("service", "name", "category", "restore priority"):
        st.add_column(col)
    for s in net.services:
        st.add_row(s.id, s.name.get(lang), s.category.value, str(s.restore_priority))
    console.print(st)
    ct = Table(title="Clinical functions and the assets whose loss stops them")
    ct.add_column("function")
    ct.add_column("demand/day", justify="right")
    ct.add_column("capacity/h", justify="right")
    ct.add_column("critical assets")
    for f in net.clinical_functions:
        crit = data["critical_dependencies"].get(f.id, [])
        shown = ", ".join(crit[:8]) + (f" (+{len(crit) - 8})" if len(crit) > 8 else "")
        ct.add_row(f.name.get(lang), f"{f.arrivals_per_day:g}", f"{f.capacity_per_hour:g}", shown)
    console.print(ct)


@network.command("export")
@click.argument("file", type=click.Path(), callback=shipped_or_path("network"))
@click.option("--format", "fmt", type=click.Choice(["graphml", "dot", "json"]), required=True, help="Output format.")
@click.option("-o", "--output", "out", required=True, help="File to write (written whole or not at all).", type=click.Path(), callback=given_path)
@click.option("--force", is_flag=True, help="Replace an existing output file (by default it is kept and nothing is written).")
def export(file: str, fmt: str, out: str, force: bool) -> None:
    """Export the flow and dependency graphs (GraphML reads back with networkx)."""
    from simulator.hospital import export as exporter

    loaded, model = _load(file)
    refuse_overwriting_inputs(out, (file, *loaded.included))
    _refuse_existing(out, force)

    def write() -> None:
        if fmt == "graphml":
            exporter.to_graphml(model, out)
        elif fmt == "dot":
            write_atomic(out, exporter.to_dot(model))
        else:
            import json

            write_atomic(out, json.dumps(exporter.to_json(model), indent=2, ensure_ascii=False) + "\n")

    write_or_fail(out, write)
    click.echo(f"wrote {out}", err=True)


@network.command("generate")
@click.option("--sites", type=click.IntRange(1, 60), required=True, help="Number of hospitals in the GHT (1-60).")
@click.option("--beds", type=click.IntRange(50, 60_000), required=True, help="Total beds across sites (50-60,000).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same file.")
@click.option("-o", "--output", "out", required=True, help="Network file to write.", type=click.Path(), callback=given_path)
@click.option("--force", is_flag=True, help="Replace an existing network file (by default it is kept and nothing is written).")
def generate(sites: int, beds: int, seed: int, out: str, force: bool) -> None:
    """Write a multi-site GHT network (shared AD and EHR, per-site care), deterministic for a seed."""
    from simulator.hospital.generate import generate_network, write_network

    if beds < sites * 20:
        usage_error("<command line>", f"--beds {beds} is too few for {sites} sites (at least 20 beds per site)")
    _refuse_existing(out, force)
    data = generate_network(sites=sites, beds=beds, seed=seed)
    write_or_fail(out, lambda: write_network(data, out))
    body = data["network"]
    click.echo(f"wrote {out}: {len(body['sites'])} sites, {len(body['assets'])} assets", err=True)
