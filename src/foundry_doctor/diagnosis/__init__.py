"""Diagnosis: what we tell the user about a failed call."""

from foundry_doctor.diagnosis.engine import diagnose
from foundry_doctor.diagnosis.model import Diagnosis, Evidence, Finding

__all__ = ["Diagnosis", "Evidence", "Finding", "diagnose"]
