"""A policy's commands checked against the network a run uses, before the run starts.

Without this a rule naming a zone the hospital does not have would only be
refused, silently, when it fires. Placeholders (`zone:@detected-zone`) are
expanded at run time and pass here.
"""

from __future__ import annotations

from pathlib import Path

from simulator.engine.commands import CommandSyntaxError, parse_command
from simulator.model.actions import ActionCatalogue
from simulator.model.diagnostics import Diagnostic, InputError
from simulator.model.policy import PolicyBody
from simulator.model.targets import NetworkIndex
from simulator.model.yaml_loader import load_yaml


def policy_command_problems(policy: PolicyBody, index: NetworkIndex, catalogue: ActionCatalogue) -> list[tuple[int, int, str]]:
    """(rule index, command index, reason) for every command of the policy that cannot apply here."""
    out = []
    for i, rule in enumerate(policy.rules):
        for j, text in enumerate(rule.do):
            try:
                parse_command(text, index, catalogue)
            except CommandSyntaxError as exc:
                out.append((i, j, str(exc)))
    return out


def check_policy_commands(policy: PolicyBody, index: NetworkIndex, catalogue: ActionCatalogue, source: Path | None) -> None:
    """Raise InputError, positioned in the policy file, when a command names what this network lacks."""
    problems = policy_command_problems(policy, index, catalogue)
    if not problems:
        return
    doc = load_yaml(source) if source is not None else None
    diags = []
    for i, j, reason in problems:
        message = f"policy rule '{policy.rules[i].id}': {reason} in this scenario's network"
        if doc is not None:
            diags.append(Diagnostic.at(doc.position(("policy", "rules", i, "do", j)), message))
        else:
            diags.append(Diagnostic(f"<policy {policy.id}>", 1, 1, "error", message))
    raise InputError(diags)
