"""The hospital information system as graphs: static model, per-run state, exports."""

from simulator.hospital.graph import (
    Availability,
    BackupInfo,
    HospitalModel,
    Impact,
    NetworkCounts,
)
from simulator.hospital.state import AssetState, AssetStatus, Changes, HospitalSnapshot, HospitalState

__all__ = [
    "AssetState",
    "AssetStatus",
    "Availability",
    "BackupInfo",
    "Changes",
    "HospitalModel",
    "HospitalSnapshot",
    "HospitalState",
    "Impact",
    "NetworkCounts",
]
