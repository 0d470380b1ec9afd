"""Data types every resource mapping uses: instants, meta, references, codes."""

import uuid
from datetime import UTC, datetime
from typing import Any

from app.fhir.codes import UCUM


def instant(moment: datetime) -> str:
    """A FHIR `instant` in UTC: `2026-03-02T15:00:00Z`."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def text(value: str | None) -> str | None:
    """Free text as a FHIR string, which must show something: trimmed, and None when nothing
    but whitespace is left (such as a form feed alone, which `/v1` stores as given)."""
    trimmed = value.strip() if value is not None else ""
    return trimmed or None


def meta(version: int, updated_at: datetime) -> dict[str, Any]:
    return {"versionId": str(version), "lastUpdated": instant(updated_at)}


def reference(resource_type: str, resource_id: uuid.UUID) -> dict[str, Any]:
    return {"reference": f"{resource_type}/{resource_id}"}


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    found = {"system": system, "code": code}
    return found | ({"display": display} if display else {})


def concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    """A CodeableConcept of one code, its text the display (or the code, readable)."""
    return {"coding": [coding(system, code, display)], "text": display or label(code)}


def label(code: str) -> str:
    """`relapse_prevention` → `relapse prevention`."""
    return code.replace("_", " ")


def minutes(value: int) -> dict[str, Any]:
    """A UCUM Duration in minutes."""
    return {"value": value, "unit": "min", "system": UCUM, "code": "min"}
