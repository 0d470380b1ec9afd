"""Encounter: a session the patient attended, with the minutes attended.

A fulfilled appointment is a finished, ambulatory (or virtual, for telehealth) encounter that
shares the appointment's id, in the episode of care of its admission. How many minutes the
patient attended comes from `app.fhir.attendance`.
"""

from typing import Any

from app.fhir.codes import ACT_CODE, SESSION_KIND_SYSTEM
from app.fhir.mapping.common import coding, concept, instant, meta, minutes, reference
from app.scheduling.schemas import AppointmentRead
from app.vocabulary import Modality

# FHIR R4 `encounter-status`: only `finished` is ever answered.
FHIR_STATUSES = frozenset({
    "planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled",
    "entered-in-error", "unknown",
})  # fmt: skip
CLASS = {
    Modality.IN_PERSON: coding(ACT_CODE, "AMB", "ambulatory"),
    Modality.TELEHEALTH: coding(ACT_CODE, "VR", "virtual"),
}


def encounter_resource(appointment: AppointmentRead, attended_minutes: int) -> dict[str, Any]:
    return {
        "resourceType": "Encounter",
        "id": str(appointment.id),
        "meta": meta(appointment.version, appointment.updated_at),
        "status": "finished",
        "class": CLASS[appointment.modality],
        "type": [concept(SESSION_KIND_SYSTEM, appointment.kind)],
        "subject": reference("Patient", appointment.patient_id),
        "episodeOfCare": [reference("EpisodeOfCare", appointment.admission_id)],
        "appointment": [reference("Appointment", appointment.id)],
        "period": {"start": instant(appointment.starts_at), "end": instant(appointment.ends_at)},
        "length": minutes(attended_minutes),
    }
