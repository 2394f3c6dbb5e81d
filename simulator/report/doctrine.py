"""The report's fixed tables: which capability, seat and CaRE axis an action belongs to, and the
thresholds of the measured outcomes. One place, documented in docs/report.md, so a reader can
see why the report suggests what it does.
"""

from __future__ import annotations

RATINGS = ("P", "S", "M", "U")
RANK = {r: i for i, r in enumerate(RATINGS)}


def worst(*ratings: str | None) -> str | None:
    """The worst of HSEEP ratings (U > M > S > P); None when none is given."""
    given = [r for r in ratings if r in RANK]
    return max(given, key=RANK.__getitem__) if given else None


# HSEEP core capability of each response action (FEMA National Preparedness Goal names).
ACTION_CAPABILITY = {
    "notify": "information-sharing",
    "declare-crisis": "operational-coordination",
    "request-support": "operational-coordination",
    "pay-ransom": "operational-coordination",
    "cut-internet": "cybersecurity",
    "disable-remote-access": "cybersecurity",
    "isolate": "cybersecurity",
    "reset-credentials": "cybersecurity",
    "take-offline": "cybersecurity",
    "eradicate": "cybersecurity",
    "reconnect": "infrastructure",
    "restore-internet": "infrastructure",
    "enable-remote-access": "infrastructure",
    "bring-online": "infrastructure",
    "restore": "infrastructure",
    "rebuild": "infrastructure",
    "degraded-mode": "healthcare",
    "normal-mode": "healthcare",
    "divert": "healthcare",
    "cancel-elective": "healthcare",
    "resume-elective": "healthcare",
    "transfer": "healthcare",
    "communicate": "public-information",
}

# The seat whose job an action is (the improvement plan's owner when the scenario names none).
ACTION_SEAT = {
    "declare-crisis": "crisis-lead",
    "pay-ransom": "direction",
    "request-support": "security",
    "eradicate": "security",
    "communicate": "communication",
    **{a: "it" for a in ("cut-internet", "disable-remote-access", "isolate", "reset-credentials", "take-offline", "reconnect",
                          "restore-internet", "enable-remote-access", "bring-online", "restore", "rebuild")},
    **{a: "medical" for a in ("degraded-mode", "normal-mode", "divert", "cancel-elective", "resume-elective", "transfer")},
}
NOTIFY_SEAT = {"cert-sante": "security", "anssi": "security", "cnil": "dpo", "ars": "direction", "police": "direction", "insurer": "direction", "ght": "it"}
CAPABILITY_SEAT = {
    "planning": "crisis-lead",
    "operational-coordination": "crisis-lead",
    "situational-assessment": "crisis-lead",
    "information-sharing": "direction",
    "public-information": "communication",
    "cybersecurity": "security",
    "forensics": "security",
    "infrastructure": "it",
    "healthcare": "medical",
    "logistics": "direction",
}
SEAT_FALLBACK = {"crisis-lead": "direction", "dpo": "direction", "security": "it", "communication": "direction", "medical": "direction"}

# ANS CaRE programme axis of each capability (axes by name: sources number them differently).
CAPABILITY_CARE = {
    "planning": "governance",
    "operational-coordination": "governance",
    "information-sharing": "governance",
    "situational-assessment": "governance",
    "healthcare": "governance",
    "public-information": "awareness",
    "cybersecurity": "operational-security",
    "infrastructure": "operational-security",
    "forensics": "operational-security",
    "logistics": "resources",
}

# Improvement-plan due dates by priority, in days after the exercise.
DUE_DAYS = {"high": 30, "medium": 90, "low": 180}
PRIORITY_OF = {"U": "high", "M": "medium", "S": "low"}

# Measured outcomes (see outcomes.py). Thresholds are CyberDrill's defaults, explained in docs/report.md.
UNMITIGATED_DOWN_S = 120.0  # minutes a clinical function stays fully down after awareness: S beyond
UNMITIGATED_DOWN_M = 360.0  # ... M beyond
LAB_TURNAROUND_REF = 62.0  # % longer lab turnaround during EHR downtime, average of a US study of 2 hospitals
ED_VOLUME_REF = -8.0  # % ED + inpatient volume change in week 1 at attacked hospitals (California 2014-2020)
LATE_ENCRYPTION_M_SHARE = 0.5  # share of all encrypted machines encrypted after awareness: M beyond
