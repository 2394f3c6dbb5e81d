"""The registry of file kinds: one place that lists what `validate` and `schema` know."""

from __future__ import annotations

from simulator.model.diagnostics import Diagnostic
from simulator.model.documents import KindSpec, Loaded, register_kind
from simulator.model.jurisdiction import JurisdictionFile, check_pack
from simulator.model.network import NetworkFile, NetworkFragmentFile
from simulator.model.network_checks import check_network
from simulator.model.policy import PolicyFile, check_policy
from simulator.model.scenario import ScenarioFile
from simulator.model.scenario_checks import check_scenario, load_network_for, scenario_attachments
from simulator.model.variant import VARIANT_KIND


def _check_network(loaded: Loaded) -> list[Diagnostic]:
    return check_network(loaded.model.network, loaded.doc)


def _check_scenario(loaded: Loaded) -> list[Diagnostic]:
    body = loaded.model.scenario
    files: list = []
    net, problems = load_network_for(body, loaded.doc, files)
    if net is None:
        return problems
    loaded.context["network"] = net
    loaded.context["network_files"] = files  # the network file, then its fragments: inputs too
    loaded.context["attachments"] = scenario_attachments(body, loaded.doc)[0]  # ref -> checked file: inputs too
    return check_scenario(body, loaded.doc, net)


def _check_policy(loaded: Loaded) -> list[Diagnostic]:
    return check_policy(loaded.model.policy, loaded.doc)


register_kind(KindSpec("network", NetworkFile, _check_network))
register_kind(KindSpec("network_fragment", NetworkFragmentFile, None, schema=False))
register_kind(KindSpec("scenario", ScenarioFile, _check_scenario))
register_kind(KindSpec("policy", PolicyFile, _check_policy))
register_kind(VARIANT_KIND)
register_kind(KindSpec("jurisdiction", JurisdictionFile, lambda loaded: check_pack(loaded.model.jurisdiction, loaded.doc)))
