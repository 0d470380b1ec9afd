"""Reading a patient's schedule: a deleted patient has none, a reversed range is an error, and
every read leaves an audit event naming the patient, even one that finds nothing."""

from fastapi import FastAPI
from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.factories import Clinic, if_match, make_patient

from .factories import Admitted, admit, make_track, plan_body


def schedule_reads(app: FastAPI, patient_id: object) -> list[tuple[str, str, str]]:
    with app.state.sessionmaker() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence))
        return [
            (access["action"], access["resource_type"], access["resource_id"])
            for event in events
            for access in event.accesses
            if access["patient_id"] == str(patient_id)
            and access["resource_type"] == "patient_schedule"
        ]


def admitted_with_a_plan(app: FastAPI, clinic: Clinic, weeks: int) -> Admitted:
    patient = admit(app, clinic, make_track(clinic))
    saved = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan", json=plan_body(weeks=weeks)
    )
    assert saved.status_code == 201, saved.text
    return patient


def test_a_deleted_patients_appointments_and_calendar_are_not_found(
    app: FastAPI, clinic: Clinic
) -> None:
    patient = admitted_with_a_plan(app, clinic, weeks=2)
    refused = clinic.admin.delete(
        f"/v1/patients/{patient.patient_id}",
        headers=if_match(clinic.admin, f"/v1/patients/{patient.patient_id}"),
    )
    assert refused.status_code == 409  # booked, in care
    assert len(refused.json()["booked_appointment_ids"]) > 0
    cancelled = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/cancel",
        json={"reason": "Entered twice"},
        headers=if_match(clinic.staff, f"/v1/admissions/{patient.admission_id}/cancel"),
    )
    assert cancelled.status_code == 200, cancelled.text

    assert (
        clinic.admin.delete(
            f"/v1/patients/{patient.patient_id}",
            headers=if_match(clinic.admin, f"/v1/patients/{patient.patient_id}"),
        ).status_code
        == 204
    )

    appointments = clinic.staff.get(f"/v1/patients/{patient.patient_id}/appointments")
    calendar = clinic.staff.get(f"/v1/patients/{patient.patient_id}/calendar.ics")
    assert (appointments.status_code, calendar.status_code) == (404, 404)


def test_a_reversed_date_range_is_a_validation_error(app: FastAPI, clinic: Clinic) -> None:
    patient_id = make_patient(app, clinic)

    response = clinic.staff.get(
        f"/v1/patients/{patient_id}/appointments", params={"from": "2026-05-01", "to": "2026-01-01"}
    )

    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["query.from"]


def test_reading_an_empty_schedule_is_audited_for_the_patient(app: FastAPI, clinic: Clinic) -> None:
    patient_id = make_patient(app, clinic)

    assert clinic.ehr.get(f"/v1/patients/{patient_id}/appointments").json()["total"] == 0
    assert clinic.ehr.get(f"/v1/patients/{patient_id}/calendar.ics").status_code == 200

    assert schedule_reads(app, patient_id) == [("read", "patient_schedule", str(patient_id))] * 2


def test_reading_an_admissions_plans_is_audited_for_the_patient_even_with_none(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program)
    plans = f"/v1/admissions/{patient.admission_id}/treatment-plans"

    assert clinic.ehr.get(plans).json()["total"] == 0
    assert len(schedule_reads(app, patient.patient_id)) == 1
    saved = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan", json=plan_body(weeks=2)
    )
    assert saved.status_code == 201, saved.text
    current = clinic.ehr.get(f"/v1/admissions/{patient.admission_id}/treatment-plan")
    assert current.status_code == 200

    assert (
        schedule_reads(app, patient.patient_id)
        == [("read", "patient_schedule", str(patient.patient_id))] * 2
    )


def test_an_appointment_in_a_patients_schedule_reads_exactly_as_its_own_record(
    app: FastAPI, clinic: Clinic
) -> None:
    patient = admitted_with_a_plan(app, clinic, weeks=1)
    page = clinic.staff.get(f"/v1/patients/{patient.patient_id}/appointments").json()
    assert page["items"]
    for item in page["items"]:
        own = clinic.staff.get(f"/v1/appointments/{item['id']}").json()
        # Same fields in the same order, nulls included: a client may compare them as text.
        assert list(item.items()) == list(own.items())
