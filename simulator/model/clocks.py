"""Regulatory clocks: which fact starts each one, which notification meets it.

The deadlines themselves are calibration numbers in simulator/data/actions.yaml
(`engine.clock_*_minutes`), overridable per scenario.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClockDef:
    id: str
    authority: str  # the `notify` target that meets it
    nth: int  # the n-th notification of that authority meets it (NIS2: 1 early warning, 2 notification, 3 report)
    starts_on: str  # engine fact: awareness | personal-data-breach
    deadline_param: str
    basis: str  # legal basis, shown in reports


CLOCKS: tuple[ClockDef, ...] = (
    ClockDef("cert-sante", "cert-sante", 1, "awareness", "clock_cert_sante_minutes",
             "Code de la santé publique L.1111-8-2: declaration of serious incidents 'sans délai' (modelled as 24 h)"),
    ClockDef("gdpr-72h", "cnil", 1, "personal-data-breach", "clock_gdpr_minutes",
             "GDPR art. 33: notify the CNIL within 72 h of becoming aware of a personal-data breach"),
    ClockDef("nis2-24h", "anssi", 1, "awareness", "clock_nis2_early_minutes",
             "NIS2 art. 23: early warning within 24 h"),
    ClockDef("nis2-72h", "anssi", 2, "awareness", "clock_nis2_notification_minutes",
             "NIS2 art. 23: incident notification within 72 h"),
    ClockDef("nis2-1m", "anssi", 3, "awareness", "clock_nis2_report_minutes",
             "NIS2 art. 23: final report within one month"),
    ClockDef("police-72h", "police", 1, "awareness", "clock_police_minutes",
             "Code des assurances L.12-10-1: complaint within 72 h to keep cyber-insurance cover"),
)

CLOCK_IDS = tuple(c.id for c in CLOCKS)
