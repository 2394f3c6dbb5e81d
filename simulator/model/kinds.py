"""The registry of file kinds: one place that lists what `validate` and `schema` know."""

from __future__ import annotations

from simulator.model.diagnostics import Diagnostic
from simulator.model.documents import KindSpec, Loaded, register_kind
from simulator.model.network import NetworkFile, NetworkFragmentFile
from simulator.model.network_checks import check_network


def _check_network(loaded: Loaded) -> list[Diagnostic]:
    return check_network(loaded.model.network, loaded.doc)


register_kind(KindSpec("network", NetworkFile, _check_network))
register_kind(KindSpec("network_fragment", NetworkFragmentFile, None, schema=False))
