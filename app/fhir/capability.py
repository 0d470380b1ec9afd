"""What the FHIR interface supports, said once: the routes check searches against it and
`GET /fhir/R4/metadata` answers it as the CapabilityStatement."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.fhir.codes import FHIR_JSON, FHIR_VERSION
from app.fhir.mapping.common import instant
from app.fhir.search import SearchParameter

P = SearchParameter


@dataclass(frozen=True)
class ResourceSupport:
    type: str
    documentation: str
    search: tuple[SearchParameter, ...]
    writes: bool = False


_PATIENT_REF = "The patient: `Patient/<id>` or `<id>`."
_DATES = "Prefixes eq (default), ge, gt, le, lt; repeat for a range."

PATIENT = ResourceSupport(
    "Patient",
    "Patient records. Create, and update by identifier (`PUT Patient?identifier=system|value`),"
    ' so an EHR pushes its patients without duplicates; If-Match with the ETag W/"version".',
    (
        P("identifier", "token", "`system|value`, or a value in any system."),
        P("name", "string", "Starts of the given or family name, each word."),
        P("birthdate", "date", "The date of birth. " + _DATES),
        P("_lastUpdated", "date", "When the record last changed (dates in UTC). " + _DATES),
    ),
    writes=True,
)
EPISODE_OF_CARE = ResourceSupport(
    "EpisodeOfCare",
    "Admissions to the program. Our status and the discharge type are extensions.",
    (
        P("patient", "reference", _PATIENT_REF),
        P("status", "token", "planned, active, onhold, finished, cancelled; `a,b` for either."),
    ),
)
APPOINTMENT = ResourceSupport(
    "Appointment",
    "Booked sessions: booked, fulfilled, noshow or cancelled.",
    (
        P("patient", "reference", _PATIENT_REF),
        P("date", "date", "The start: a date is the program's local date, a time an instant. "
          + _DATES),
        P("status", "token", "booked, fulfilled, noshow, cancelled; `a,b` for either."),
    ),
)  # fmt: skip
ENCOUNTER = ResourceSupport(
    "Encounter",
    "Attended sessions (finished), with the minutes attended as `length`.",
    (
        P("patient", "reference", _PATIENT_REF),
        P("date", "date", "The start: a date is the program's local date, a time an instant. "
          + _DATES),
        P("status", "token", "finished."),
    ),
)  # fmt: skip
GROUP = ResourceSupport(
    "Group",
    "Therapy groups: criteria as characteristics, members with the periods they held a seat.",
    (),
)
COVERAGE = ResourceSupport(
    "Coverage",
    "Patients' insurance: the payer, the member id, the plan period and what the patient pays"
    " (costToBeneficiary: copay, copaypct, deductible, maxoutofpocket). Who holds the policy is"
    " not recorded, so there is no subscriber.",
    (
        P("patient", "reference", _PATIENT_REF),
        P("identifier", "token", "The member id: `value` or `|value` (it has no system)."),
        P("status", "token", "active (every coverage here is); `a,b` for either."),
    ),
)
RESOURCES = (PATIENT, EPISODE_OF_CARE, APPOINTMENT, ENCOUNTER, GROUP, COVERAGE)


def capability_statement(now: datetime, base_url: str, version: str) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": instant(now),
        "publisher": "IOP API",
        "kind": "instance",
        "software": {"name": "IOP API", "version": version},
        "implementation": {"description": "IOP API FHIR R4 interface", "url": base_url},
        "fhirVersion": FHIR_VERSION,
        "format": [FHIR_JSON, "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Searches page with `_count` (at most 200; 0 answers only"
                " `total`) and `_offset`, and refuse parameters not listed here.",
                "security": {
                    "description": "An API key, as `Authorization: Bearer <key>`: its role"
                    " decides what it may read and write, and it sees only its organization.",
                },
                "resource": [_resource(support) for support in RESOURCES],
            }
        ],
    }


def _resource(support: ResourceSupport) -> dict[str, Any]:
    interactions = ["read", "search-type"] + (["create", "update"] if support.writes else [])
    resource: dict[str, Any] = {
        "type": support.type,
        "documentation": support.documentation,
        "interaction": [{"code": code} for code in interactions],
        "versioning": "versioned-update" if support.writes else "versioned",
        "readHistory": False,
        "updateCreate": False,
        "conditionalCreate": support.writes,
        "conditionalRead": "not-supported",
        "conditionalUpdate": support.writes,
        "conditionalDelete": "not-supported",
    }
    if support.search:
        resource["searchParam"] = [
            {"name": p.name, "type": p.type, "documentation": p.documentation}
            for p in support.search
        ]
    return resource
