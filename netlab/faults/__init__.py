"""Faults: what breaks. See :mod:`netlab.faults.base` for the model."""

from netlab.faults.base import (
    Category,
    Engine,
    FaultRecord,
    FaultType,
    Location,
    NetworkState,
    Param,
    ParamKind,
    Symptom,
)
from netlab.faults.catalogue import CATALOGUE, apply_faults, fault_type, pick_params

__all__ = [
    "CATALOGUE",
    "Category",
    "Engine",
    "FaultRecord",
    "FaultType",
    "Location",
    "NetworkState",
    "Param",
    "ParamKind",
    "Symptom",
    "apply_faults",
    "fault_type",
    "pick_params",
]
