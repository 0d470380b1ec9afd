"""Appointment: a dated session of a patient (booked, fulfilled, noshow or cancelled: the
FHIR codes are ours), of a kind (group, individual, family…), within an episode of care."""

from collections.abc import Collection
from typing import Any

from app.fhir.codes import CANCEL_REASON_SYSTEM, SESSION_KIND_SYSTEM
from app.fhir.mapping.common import concept, instant, meta, reference
from app.scheduling.schemas import AppointmentRead
from app.vocabulary import AppointmentStatus

# FHIR R4 `appointmentstatus`.
FHIR_STATUSES = frozenset({
    "proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow",
    "entered-in-error", "checked-in", "waitlist",
})  # fmt: skip


def statuses_for(codes: Collection[str]) -> list[AppointmentStatus]:
    return [status for status in AppointmentStatus if status.value in codes]


def appointment_resource(appointment: AppointmentRead) -> dict[str, Any]:
    minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": str(appointment.id),
        "meta": meta(appointment.version, appointment.updated_at),
        "status": appointment.status.value,
        "serviceType": [concept(SESSION_KIND_SYSTEM, appointment.kind)],
        "start": instant(appointment.starts_at),
        "end": instant(appointment.ends_at),
        "minutesDuration": minutes,
        "supportingInformation": [reference("EpisodeOfCare", appointment.admission_id)],
        "participant": [
            {
                "actor": reference("Patient", appointment.patient_id),
                "required": "required",
                "status": "declined"
                if appointment.status is AppointmentStatus.cancelled
                and appointment.cancel_reason == "patient"
                else "accepted",
            }
        ],
    }
    if appointment.status is AppointmentStatus.cancelled and appointment.cancel_reason:
        resource["cancelationReason"] = concept(CANCEL_REASON_SYSTEM, appointment.cancel_reason)
    return resource
