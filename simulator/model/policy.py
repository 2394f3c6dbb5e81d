"""Policy files: how a simulated crisis cell plays a scenario in headless runs (`run`, `batch`).

    policy:
      id: textbook
      name: {fr: "Bonnes pratiques", en: "Textbook"}
      decisions: {cut-internet: cut}        # option picked at once; others take their default
      rules:
        - id: contain
          on: {detected: any}               # a condition (docs/scenario-format.md#conditions)
          delay: 30m                         # reaction time before the commands go in
          do: ["declare-crisis", "isolate zone:@detected-zone"]

Commands use the same text syntax as the command line. Placeholders starting
with '@' expand at run time: @detected-zone, @detected-asset (where the first
alert came from), @containable-zone (that zone, unless isolating it stops a
recovery service: then nothing), @encrypted (every encrypted asset, one
command each, most urgent first), @isolated (every isolated zone, and isolated
asset outside them), @offline (every asset shut down, but remote access,
encrypted ones and what an inject's third party switched off), @stopped
(assets the attacker shut down), @down-functions (each clinical function
down), @recovered-functions (functions on paper whose IT is back),
@aid-functions (functions down that mutual aid can help, not yet asked).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, StrictBool, field_validator

from simulator.model.base import Duration, Id, LocalizedText, StrictModel
from simulator.model.conditions import Condition
from simulator.model.diagnostics import Diagnostic
from simulator.model.tagged import TagStrippingModel

TOKENS = (
    "@detected-zone", "@detected-asset", "@containable-zone", "@encrypted", "@isolated", "@offline", "@stopped",
    "@down-functions", "@recovered-functions", "@aid-functions",
)
BUILTIN_POLICIES = ("passive", "scenario-defaults", "textbook")


class Rule(StrictModel):
    id: Id = Field(description="Rule id (appears in the run's record).")
    on: Condition = Field(description="The rule fires the first time this condition holds.")
    delay: Duration = Field(default=0, description="Reaction time between the trigger and the commands.")
    do: list[str] = Field(min_length=1, description="Commands in the command-line syntax ('notify cert-sante', 'isolate zone:@detected-zone').")
    every: Duration | None = Field(default=None, description="Fire again this often while the condition holds (default: once).")

    @field_validator("do")
    @classmethod
    def _not_blank(cls, value: list[str]) -> list[str]:
        for text in value:
            if not text.strip():
                raise ValueError("a command cannot be empty")
        return value


class PolicyBody(StrictModel):
    id: Id = Field(description="Policy id.")
    name: LocalizedText = Field(description="Name shown in run summaries.")
    description: LocalizedText | None = Field(default=None, description="What this cell does and why.")
    decisions: dict[Id, Id] = Field(
        default_factory=dict,
        description="Option chosen at once for a decision id; decisions not listed (or not in the scenario) take their default at the deadline.",
    )
    follow_recommended: StrictBool = Field(
        default=False,
        description="Pick the scenario's recommended option (options marked `recommended: true`) of every decision not listed in `decisions`.",
    )
    decision_delay: Duration = Field(default=0, description="Time the cell takes to choose a listed option after the decision is put.")
    rules: list[Rule] = Field(default_factory=list, description="Rules applied in order.")


class PolicyFile(StrictModel, TagStrippingModel):
    """Top level of a policy file."""

    policy: PolicyBody = Field(description="A simulated crisis cell.")


def check_policy(body: PolicyBody, doc) -> list[Diagnostic]:
    """Every command parses and names a known action with a plausible target."""
    from simulator.model.command_text import CommandSyntaxError, parse_command_text
    from simulator.model.jurisdiction import union_catalogue

    diags: list[Diagnostic] = []
    seen: set[str] = set()
    for i, rule in enumerate(body.rules):
        if rule.id in seen:
            diags.append(Diagnostic.at(doc.position(("policy", "rules", i, "id")), f"duplicate rule id '{rule.id}'"))
        seen.add(rule.id)
        for j, text in enumerate(rule.do):
            try:
                parse_command_text(text, index=None, catalogue=union_catalogue())  # any pack's authorities
            except CommandSyntaxError as exc:
                diags.append(Diagnostic.at(doc.position(("policy", "rules", i, "do", j)), str(exc)))
    return diags


def builtin_policy_path(name: str) -> Path:
    from simulator.shipped import KINDS, package_dir

    folder = package_dir(KINDS["policy"])
    if folder is None:
        raise FileNotFoundError(f"the built-in policies are missing from the installed package ({KINDS['policy']})")
    return folder / f"{name}.yaml"


@dataclass(frozen=True)
class ResolvedPolicy:
    """A policy named on the command line: its model, and its file when it is not built in."""

    body: PolicyBody
    path: Path | None
    sha256: str | None


def resolve_policy(spec: str) -> ResolvedPolicy:
    """`--policy NAME|FILE` for every command (run, batch, resume, journals): one rule, one message."""
    from simulator.model.diagnostics import Diagnostic, InputError
    from simulator.model.documents import load_document

    if spec in BUILTIN_POLICIES:
        return ResolvedPolicy(builtin_policy(spec), None, None)
    path = Path(spec)
    if path.is_file():
        loaded = load_document(path, expect="policy")
        return ResolvedPolicy(loaded.model.policy, path.resolve(), loaded.sha256)
    if path.is_dir():
        raise InputError([Diagnostic(spec, 1, 1, "error", "is a directory, not a policy file")])
    if path.exists():
        raise InputError([Diagnostic(spec, 1, 1, "error", "not a regular file (a pipe or a device?), not a policy file")])
    if path.suffix in (".yaml", ".yml") or "/" in spec or "\\" in spec:
        raise InputError([Diagnostic(spec, 1, 1, "error", "no such policy file")])
    raise InputError(
        [Diagnostic("--policy", 1, 1, "error", f"unknown policy '{spec}': use {', '.join(BUILTIN_POLICIES)} or the path of a policy file")]
    )


@functools.lru_cache(maxsize=8)
def builtin_policy(name: str) -> PolicyBody:
    from simulator.model.documents import load_document

    return load_document(builtin_policy_path(name), expect="policy").model.policy
