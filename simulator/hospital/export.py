"""Exports of the combined hospital graph (flows, membership, dependencies) for other tools.

GraphML for Gephi/yEd/networkx, DOT for Graphviz, JSON for scripts. Files are
written atomically: a failure leaves the previous file, or none, never half a file.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any, Callable, IO

import networkx as nx

from simulator.fileio import write_atomic
from simulator.hospital.graph import HospitalModel
from simulator.model.diagnostics import Diagnostic, InputError, one_line

JSON_FORMAT = "cyberdrill-graph"
JSON_VERSION = 1


def _clean(attrs: dict[str, Any]) -> dict[str, Any]:
    """GraphML keeps str, int, float and bool only, and no None."""
    return {k: v for k, v in attrs.items() if v is not None}


def _node_rows(model: HospitalModel) -> list[tuple[str, dict[str, Any]]]:
    rows: list[tuple[str, dict[str, Any]]] = []
    for z in model.network.zones:
        rows.append((z.id, _clean({
            "type": "zone", "kind": z.kind.value, "name": z.name.get("en"), "name_fr": z.name.get("fr"),
            "site": z.site, "internet_exposed": z.internet_exposed,
        })))
    for a in model.network.assets:
        rows.append((a.id, _clean({
            "type": "asset", "kind": a.kind.value, "name": a.name.get("en"), "name_fr": a.name.get("fr"),
            "zone": a.zone, "site": model.asset_site[a.id], "count": a.count, "tier": a.tier,
            "domain_joined": a.domain_joined, "internet_facing": a.id in model.internet_facing,
        })))
    for s in model.network.services:
        rows.append((s.id, _clean({
            "type": "service", "kind": s.category.value, "name": s.name.get("en"), "name_fr": s.name.get("fr"),
            "site": s.site, "restore_priority": s.restore_priority,
        })))
    for f in model.network.clinical_functions:
        rows.append((f.id, _clean({
            "type": "function", "kind": "clinical-function", "name": f.name.get("en"), "name_fr": f.name.get("fr"),
            "site": f.site,
        })))
    return rows


def _edge_rows(model: HospitalModel) -> list[tuple[str, str, dict[str, Any]]]:
    rows: list[tuple[str, str, dict[str, Any]]] = []
    flow = model.flow_graph
    for u, v, data in flow.edges(data=True):
        if data["edge"] == "flow":
            rows.append((u, v, {"edge": "flow", "protocols": list(data["protocols"]),
                                "bidirectional": flow.has_edge(v, u)}))
    for a in model.network.assets:
        rows.append((a.id, a.zone, {"edge": "member"}))
    for u, v, data in model.dep_graph.edges(data=True):
        rows.append((u, v, {"edge": "dependency", "strength": data["strength"], "relation": data["relation"]}))
    return rows


def combined_graph(model: HospitalModel) -> nx.DiGraph:
    """One DiGraph of zones, assets, services and functions; edges tagged flow, member or dependency."""
    g = nx.DiGraph()
    g.graph["network"] = model.network.id
    g.graph["name"] = model.network.name.get("en")
    for n, attrs in _node_rows(model):
        g.add_node(n, **attrs)
    for u, v, attrs in _edge_rows(model):
        if attrs["edge"] == "flow":
            attrs = dict(attrs, protocols=",".join(attrs["protocols"]))
        g.add_edge(u, v, **attrs)
    return g


def to_json(model: HospitalModel) -> dict[str, Any]:
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "network": model.network.id,
        "name": model.network.name.get("en"),
        "nodes": [dict(id=n, **attrs) for n, attrs in _node_rows(model)],
        "edges": [dict(source=u, target=v, **attrs) for u, v, attrs in _edge_rows(model)],
    }


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_DOT_SHAPES = {"asset": "box", "service": "ellipse", "function": "doubleoctagon", "zone": "folder"}


def to_dot(model: HospitalModel) -> str:
    """Graphviz source: each zone a cluster holding its assets (membership is the cluster)."""
    nodes = dict(_node_rows(model))
    lines = [f"digraph {_dot_id(model.network.id)} {{", "  graph [rankdir=LR, compound=true];",
             '  node [fontname="Helvetica", fontsize=10];']

    def node_line(n: str, indent: str) -> str:
        attrs = nodes[n]
        label = attrs["name"]
        if attrs.get("count", 1) > 1:
            label += f"\n× {attrs['count']}"
        return f"{indent}{_dot_id(n)} [label={_dot_id(label)}, shape={_DOT_SHAPES[attrs['type']]}];"

    for i, (z, members) in enumerate(model.zone_assets.items()):
        lines.append(f"  subgraph {_dot_id(f'cluster_{i}')} {{")
        lines.append(f"    label={_dot_id(nodes[z]['name'] + ' [' + nodes[z]['kind'] + ']')};")
        lines.append(node_line(z, "    "))
        lines.extend(node_line(a, "    ") for a in members)
        lines.append("  }")
    for n, attrs in nodes.items():
        if attrs["type"] in ("service", "function"):
            lines.append(node_line(n, "  "))
    for u, v, attrs in _edge_rows(model):
        kind = attrs["edge"]
        if kind == "flow":
            lines.append(f"  {_dot_id(u)} -> {_dot_id(v)} [label={_dot_id(','.join(attrs['protocols']))}, penwidth=2];")
        elif kind == "dependency":
            style = "solid" if attrs["strength"] == "hard" else "dashed"
            lines.append(f"  {_dot_id(u)} -> {_dot_id(v)} [style={style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _write(path: str | os.PathLike, write: Callable[[IO[bytes]], None]) -> Path:
    """Render into memory, then write whole or not at all (simulator.fileio.write_atomic: the
    replaced file's mode, or a plain open()'s)."""
    buf = io.BytesIO()
    write(buf)
    try:
        write_atomic(path, buf.getvalue())
    except OSError as exc:
        raise InputError([Diagnostic(str(path), 1, 1, "error", one_line(f"cannot write file: {exc.strerror or exc}"))]) from None
    return Path(path)


def to_graphml(model: HospitalModel, path: str | os.PathLike) -> Path:
    """Write the combined graph as GraphML (readable by networkx.read_graphml)."""
    graph = combined_graph(model)
    return _write(path, lambda fh: nx.write_graphml(graph, fh, encoding="utf-8"))


def write_json(model: HospitalModel, path: str | os.PathLike) -> Path:
    data = json.dumps(to_json(model), ensure_ascii=False, indent=2) + "\n"
    return _write(path, lambda fh: fh.write(data.encode("utf-8")))


def write_dot(model: HospitalModel, path: str | os.PathLike) -> Path:
    data = to_dot(model)
    return _write(path, lambda fh: fh.write(data.encode("utf-8")))
