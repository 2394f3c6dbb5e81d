"""The variant file: a what-if for `batch --compare` ("offline backups", "MFA on VPN").

    variant:
      id: offline-backups
      name: {fr: "Sauvegardes hors ligne", en: "Offline backups"}
      overrides:
        - {asset: backup-nas, backup: {offline: true}}

Its `overrides` are the scenario's own override entries (simulator/model/scenario.py),
applied after the scenario's. A variant names no network: the same file can be
compared on every scenario of a hospital, so references are checked against the
scenario's network when the batch starts (`variant_problems`), at the variant's
positions.
"""

from __future__ import annotations

from pydantic import Field

from simulator.model.base import Id, LocalizedText, StrictModel
from simulator.model.diagnostics import Diagnostic
from simulator.model.documents import KindSpec
from simulator.model.network import NetworkBody
from simulator.model.overrides import apply_overrides, override_problem
from simulator.model.scenario import Override
from simulator.model.yaml_loader import Document


class VariantBody(StrictModel):
    id: Id = Field(description="Variant id (shown in batch results).")
    name: LocalizedText = Field(description="What changes, in a few words (shown in the comparison table).")
    description: LocalizedText | None = Field(default=None, description="Why this change, what it costs (for the funding file).")
    overrides: list[Override] = Field(min_length=1, description="Changes to the network, applied after the scenario's own overrides.")


class VariantFile(StrictModel):
    """Top level of a variant file."""

    variant: VariantBody = Field(description="A change to compare against the scenario as written.")


def variant_problems(body: VariantBody, doc: Document, net: NetworkBody) -> list[Diagnostic]:
    """Overrides that name something `net` lacks, each at its position in the variant file."""
    diags: list[Diagnostic] = []
    for i, ov in enumerate(body.overrides):
        problem = override_problem(net, ov)
        if problem is not None:
            key, message = problem
            diags.append(Diagnostic.at(doc.position(("variant", "overrides", i, key)), message))
        net = apply_overrides(net, [ov])
    return diags


VARIANT_KIND = KindSpec("variant", VariantFile, None)
