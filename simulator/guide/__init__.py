"""Exercise kits generated from a scenario: kit animateur, kit joueur, grille d'observation, chronogramme.

    from simulator.guide import build_kit, load_source, write_kit
    files = build_kit(load_source("scenarios/x.yaml"), "fr")   # {file name: bytes}

One source: every authored sentence comes from the scenario file (its texts
and `facilitator` fields); the fixed wording comes from the `guide.*` keys of
the i18n catalogues. See docs/facilitator-workflow.md.
"""

from simulator.guide.kit import FILE_NAMES, LANGS, build_kit, write_kit
from simulator.guide.source import Source, load_source

__all__ = ["FILE_NAMES", "LANGS", "Source", "build_kit", "load_source", "write_kit"]
