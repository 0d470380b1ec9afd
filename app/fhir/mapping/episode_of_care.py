"""EpisodeOfCare: an admission to the program.

Status: pending (assessed, awaiting the clinician's approval) and approved are `planned` — FHIR's
planned episode is the one whose eligibility is still being assessed or whose start is being
prepared; active is `active`, on_hold `onhold`, discharged `finished`; cancelled and referred
(another level of care was recommended, so the episode never began here) are `cancelled`. Our
own status rides along as an extension, so nothing is lost; the discharge type is one too.
"""

from collections.abc import Collection
from typing import Any

from app.admissions.schemas import AdmissionRead
from app.fhir.codes import (
    ADMISSION_STATUS,
    ADMISSION_STATUS_SYSTEM,
    DISCHARGE_TYPE,
    DISCHARGE_TYPE_SYSTEM,
    LEVEL_OF_CARE_SYSTEM,
)
from app.fhir.mapping.common import coding, concept, label, meta, reference
from app.vocabulary import AdmissionStatus

S = AdmissionStatus
STATUS: dict[AdmissionStatus, str] = {
    S.pending: "planned",
    S.approved: "planned",
    S.active: "active",
    S.on_hold: "onhold",
    S.discharged: "finished",
    S.cancelled: "cancelled",
    S.referred: "cancelled",
}
# FHIR R4 `episode-of-care-status`.
FHIR_STATUSES = frozenset(
    {"planned", "waitlist", "active", "onhold", "finished", "cancelled", "entered-in-error"}
)


def statuses_for(codes: Collection[str]) -> list[AdmissionStatus]:
    """Our statuses that answer a search for these FHIR codes."""
    return [ours for ours, theirs in STATUS.items() if theirs in codes]


def episode_of_care_resource(admission: AdmissionRead) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "EpisodeOfCare",
        "id": str(admission.id),
        "meta": meta(admission.version, admission.updated_at),
        "extension": [{"url": ADMISSION_STATUS, "valueCoding": _status_coding(admission)}],
        "status": STATUS[admission.status],
        "type": [concept(LEVEL_OF_CARE_SYSTEM, "2.1", "Intensive outpatient (ASAM level 2.1)")],
        "patient": reference("Patient", admission.patient_id),
    }
    start = admission.started_on
    if start is None and admission.authorization is not None:
        start = admission.authorization.starts_on
    end = admission.discharge.discharged_on if admission.discharge is not None else None
    period = {"start": start and start.isoformat(), "end": end and end.isoformat()}
    if present := {name: value for name, value in period.items() if value}:
        resource["period"] = present
    if admission.discharge is not None:
        discharge_type = concept(
            DISCHARGE_TYPE_SYSTEM, admission.discharge.type, label(admission.discharge.type)
        )
        if admission.discharge.reason:
            discharge_type["text"] = admission.discharge.reason
        resource["extension"].append(
            {"url": DISCHARGE_TYPE, "valueCodeableConcept": discharge_type}
        )
    return resource


def _status_coding(admission: AdmissionRead) -> dict[str, Any]:
    return coding(ADMISSION_STATUS_SYSTEM, admission.status, label(admission.status))
