"""What a batch runs, loaded and checked once in the main process, shipped whole to workers.

A `Plan` holds parsed models (scenario, one network per arm with every
override applied, the policy), never paths: workers on other machines need no
access to the facilitator's files, and each worker process receives the plan
once (pool initializer, or one Dask scatter) instead of parsing YAML per run.
"""

from __future__ import annotations

import os
from pathlib import Path
from dataclasses import dataclass, field

from simulator.model.diagnostics import Diagnostic, InputError
from simulator.model.documents import file_sha256, load_document, resolve_reference
from simulator.model.network import NetworkBody
from simulator.model.overrides import apply_overrides
from simulator.engine.exercise import Exercise
from simulator.engine.headless import parse_until
from simulator.engine.policy_check import check_policy_commands
from simulator.model.policy import PolicyBody, resolve_policy
from simulator.model.scenario import ScenarioBody
from simulator.model.scenario_checks import check_scenario
from simulator.model.variant import variant_problems
from simulator.model.yaml_loader import display_path

BASELINE = "baseline"


@dataclass(frozen=True)
class Source:
    """An input file as the result header records it."""

    file: str
    sha256: str
    id: str | None = None


@dataclass(frozen=True)
class Plan:
    scenario: ScenarioBody
    networks: tuple[tuple[str, NetworkBody], ...]  # (arm, network with scenario and variant overrides applied)
    policy: PolicyBody
    until: str  # "end", "recovery" or a duration string as given
    until_value: str | float  # what the engine's run_exercise takes
    sources: dict[str, Source] = field(default_factory=dict, compare=False)
    files: tuple[str, ...] = field(default=(), compare=False)  # every file read: outputs must never replace one

    @property
    def arms(self) -> list[str]:
        return [arm for arm, _ in self.networks]


def load_policy(spec: str) -> tuple[PolicyBody, Source | None]:
    """A built-in policy by name, or a policy file (then recorded with its digest)."""
    resolved = resolve_policy(spec)
    if resolved.path is None:
        return resolved.body, None
    return resolved.body, Source(display_path(spec), resolved.sha256 or "", resolved.body.id)


def build_plan(scenario_path: str | os.PathLike, policy: str = "scenario-defaults", until: str = "end", variant_path: str | os.PathLike | None = None) -> Plan:
    """Load and check every input; raises InputError with positioned diagnostics."""
    until_value = parse_until(until)
    pol, pol_source = load_policy(policy)
    loaded = load_document(scenario_path, expect="scenario")
    scenario: ScenarioBody = loaded.model.scenario
    raw_net: NetworkBody = loaded.context["network"]
    net_path = resolve_reference(loaded.doc, ("scenario", "network"), scenario.network)
    net_sha = file_sha256(net_path)
    base = apply_overrides(raw_net, scenario.overrides)
    probe = Exercise(scenario, base, 0, policy=pol, overrides_applied=True)
    check_policy_commands(probe.policy, probe.index, probe.catalogue, Path(policy) if pol_source is not None else None)
    networks = [(BASELINE, base)]
    sources = {
        "scenario": Source(display_path(scenario_path), loaded.sha256, scenario.id),
        "network": Source(display_path(net_path), net_sha, raw_net.id),
    }
    if pol_source is not None:
        sources["policy"] = pol_source
    files = [str(scenario_path), *(str(p) for p in loaded.context.get("network_files", [net_path]))]
    if pol_source is not None:
        files.append(str(policy))
    if variant_path is not None:
        v = load_document(variant_path, expect="variant")
        body = v.model.variant
        problems = variant_problems(body, v.doc, base)
        if body.id == BASELINE:
            problems.append(Diagnostic.at(v.doc.position(("variant", "id")), f"a variant cannot be called '{BASELINE}': that names the scenario as written"))
        if problems:
            raise InputError(problems)
        varied = apply_overrides(base, body.overrides)
        # the scenario must still hold on the varied network (a variant that removes the asset
        # the attack comes in through would make every run fail)
        broken = [d for d in check_scenario(scenario, loaded.doc, varied) if d.severity == "error"]
        if broken:
            raise InputError([
                Diagnostic(d.file, d.line, d.col, "error", f"with variant '{body.id}' ({display_path(variant_path)}): {d.message}")
                for d in broken
            ])
        networks.append((body.id, varied))
        sources["variant"] = Source(display_path(variant_path), v.sha256, body.id)
        files.append(str(variant_path))
    return Plan(scenario=scenario, networks=tuple(networks), policy=pol, until=until, until_value=until_value, sources=sources, files=tuple(files))
