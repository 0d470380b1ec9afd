"""Deleting a patient: never while care still points at the record."""

import uuid

from app.admissions import service as admissions_service
from app.context import Context
from app.errors import Conflict
from app.groups import membership
from app.patients import service as patients_service
from app.patients.models import Patient
from app.scheduling import appointments
from app.verifications import service as verifications
from app.versioning import Precondition


class PatientInCare(Conflict):
    slug, title = "patient-in-care", "The patient still has open care"


def delete_patient(
    ctx: Context, patient_id: uuid.UUID, expected_version: Precondition | None
) -> None:
    """Soft-delete a patient with no open admission, group seat, waitlist place or booking;
    else 409 naming each, so staff end them first (a discharge says how care ended, which a
    deletion cannot). Open verification requests are not care: they are cancelled."""
    patient = ctx.get(Patient, patient_id, for_update=True)
    admissions = admissions_service.open_admissions_of(ctx, patient.id)
    memberships = membership.open_memberships_of(ctx, patient.id)
    bookings = appointments.future_bookings_of(ctx, patient.id)
    if admissions or memberships or bookings:
        raise PatientInCare(
            "End the patient's care before deleting the record: discharge or cancel each open"
            " admission (which frees its group seats and cancels its bookings).",
            open_admission_ids=[str(a.id) for a in admissions],
            open_group_membership_ids=[str(m.id) for m in memberships],
            booked_appointment_ids=[str(a.id) for a in bookings],
        )
    verifications.cancel_for_deleted_patient(ctx, patient.id)
    patients_service.delete_patient(ctx, patient, expected_version)
