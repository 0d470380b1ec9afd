"""Recording one session's attendance: every mark, corrections with history, and refusals."""

from datetime import UTC, date, datetime

import pytest
from fastapi import FastAPI

from app.admissions.models import Admission
from tests.api.scheduling.factories import admit, make_track, plan_body
from tests.conftest import FixedClock
from tests.factories import Clinic

from .factories import later, on, planned_patient


@pytest.mark.parametrize(
    ("status", "minutes", "attended", "appointment_status"),
    [
        ("present", None, 180, "fulfilled"),
        ("present", 170, 170, "fulfilled"),
        ("late", 150, 150, "fulfilled"),
        ("left_early", 90, 90, "fulfilled"),
        ("excused_absence", None, 0, "noshow"),
        ("unexcused_absence", None, 0, "noshow"),
        ("no_show", None, 0, "noshow"),
    ],
)
def test_each_mark_counts_its_minutes_and_settles_the_appointment(
    app: FastAPI,
    clinic: Clinic,
    clock: FixedClock,
    status: str,
    minutes: int | None,
    attended: int,
    appointment_status: str,
) -> None:
    patient, _ = planned_patient(app, clinic)
    later(clock)
    appointment = on(clinic, patient, "2026-03-02")
    body = {"status": status} | ({"minutes_attended": minutes} if minutes is not None else {})

    response = clinic.staff.put(f"/v1/appointments/{appointment['id']}/attendance", json=body)

    assert response.status_code == 200, response.text
    recorded = response.json()
    assert (recorded["status"], recorded["minutes_attended"]) == (status, attended)
    assert recorded["scheduled_minutes"] == 180
    assert recorded["history"] == []
    assert on(clinic, patient, "2026-03-02")["status"] == appointment_status


def test_recording_the_same_mark_twice_changes_nothing(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    later(clock)
    url = f"/v1/appointments/{on(clinic, patient, '2026-03-02')['id']}/attendance"

    first = clinic.staff.put(url, json={"status": "late", "minutes_attended": 150}).json()
    second = clinic.staff.put(url, json={"status": "late", "minutes_attended": 150}).json()

    assert second == first
    assert second["history"] == []


def test_a_correction_keeps_the_earlier_mark_with_who_and_when(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    later(clock)
    url = f"/v1/appointments/{on(clinic, patient, '2026-03-02')['id']}/attendance"
    clinic.staff.put(url, json={"status": "no_show"})
    clock.now = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)

    response = clinic.clinician.put(url, json={"status": "late", "minutes_attended": 120})

    corrected = response.json()
    assert (corrected["status"], corrected["minutes_attended"]) == ("late", 120)
    [earlier] = corrected["history"]
    assert (earlier["status"], earlier["minutes_attended"]) == ("no_show", 0)
    assert earlier["recorded_at"] == "2026-03-07T12:00:00Z"
    assert earlier["replaced_at"] == "2026-03-09T14:00:00Z"
    assert earlier["recorded_by_key_id"] != earlier["replaced_by_key_id"]
    assert corrected["recorded_by_key_id"] == earlier["replaced_by_key_id"]
    assert clinic.staff.get(url).json() == corrected
    assert on(clinic, patient, "2026-03-02")["status"] == "fulfilled"


def test_attendance_waits_for_the_session_to_start_in_the_programs_time_zone(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    url = f"/v1/appointments/{on(clinic, patient, '2026-03-02')['id']}/attendance"
    clock.now = datetime(2026, 3, 2, 22, 59, tzinfo=UTC)  # 17:59 in New York

    early = clinic.staff.put(url, json={"status": "present"})
    clock.now = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)  # 18:00: the session starts
    started = clinic.staff.put(url, json={"status": "present"})

    assert early.status_code == 409
    assert early.json()["type"].endswith("/session-not-started")
    assert started.status_code == 200


def test_a_cancelled_appointment_takes_no_attendance(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    appointment = on(clinic, patient, "2026-03-04")
    cancel = {"status": "cancelled", "cancel_reason": "patient"}
    url = f"/v1/appointments/{appointment['id']}"
    assert clinic.staff.patch(
        url, json=cancel, headers={"If-Match": f'"{appointment["version"]}"'}
    ).is_success
    later(clock)

    response = clinic.staff.put(
        f"/v1/appointments/{appointment['id']}/attendance", json={"status": "present"}
    )

    assert response.status_code == 409
    assert response.json()["type"].endswith("/appointment-cancelled")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"status": "late"}, "minutes_required"),
        ({"status": "left_early"}, "minutes_required"),
        ({"status": "present", "minutes_attended": 181}, "minutes_exceed_session"),
        ({"status": "no_show", "minutes_attended": 30}, "minutes_on_absence"),
    ],
)
def test_minutes_that_do_not_fit_the_mark_are_refused(
    app: FastAPI, clinic: Clinic, clock: FixedClock, body: dict[str, object], reason: str
) -> None:
    patient, _ = planned_patient(app, clinic)
    later(clock)

    response = clinic.staff.put(
        f"/v1/appointments/{on(clinic, patient, '2026-03-02')['id']}/attendance", json=body
    )

    assert response.status_code == 422
    assert response.json()["code"] == reason


@pytest.mark.parametrize(
    "body",
    [{"status": "asleep"}, {"status": "late", "minutes_attended": -1}, {}, {"status": None}],
)
def test_a_mark_that_is_not_one_answers_422(
    app: FastAPI, clinic: Clinic, clock: FixedClock, body: dict[str, object]
) -> None:
    patient, _ = planned_patient(app, clinic)
    later(clock)
    url = f"/v1/appointments/{on(clinic, patient, '2026-03-02')['id']}/attendance"

    assert clinic.staff.put(url, json=body).status_code == 422


def test_another_clinics_appointment_is_not_found(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    later(clock)
    url = f"/v1/appointments/{on(clinic, patient, '2026-03-02')['id']}/attendance"

    assert other_clinic.staff.put(url, json={"status": "present"}).status_code == 404
    assert other_clinic.staff.get(url).status_code == 404


def test_the_first_attended_session_starts_an_approved_admission_that_day(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    later(clock)
    absent = on(clinic, patient, "2026-03-02")
    clinic.staff.put(f"/v1/appointments/{absent['id']}/attendance", json={"status": "no_show"})
    admission_url = f"/v1/admissions/{patient.admission_id}"
    assert clinic.staff.get(admission_url).json()["status"] == "approved"

    present = on(clinic, patient, "2026-03-04")
    clinic.staff.put(f"/v1/appointments/{present['id']}/attendance", json={"status": "present"})

    admission = clinic.staff.get(admission_url).json()
    assert (admission["status"], admission["started_on"]) == ("active", "2026-03-04")


def test_a_first_attendance_outside_the_authorization_is_refused_with_the_reason(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    with app.state.sessionmaker.begin() as session:  # authorized after the plan was booked
        admission = session.get_one(Admission, patient.admission_id)
        admission.authorized_days = 20
        admission.authorization_starts_on = date(2026, 3, 3)
        admission.authorization_ends_on = date(2026, 4, 30)
    later(clock)
    url = f"/v1/appointments/{on(clinic, patient, '2026-03-02')['id']}/attendance"

    response = clinic.staff.put(url, json={"status": "present"})

    assert response.status_code == 409
    assert response.json()["type"].endswith("/treatment-not-started")
    assert "authorization runs from 2026-03-03" in response.json()["detail"]
    assert clinic.staff.get(url).status_code == 404
    assert clinic.staff.get(f"/v1/admissions/{patient.admission_id}").json()["status"] == (
        "approved"
    )


def test_a_day_beyond_the_authorized_days_is_recorded_but_flagged(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    program = make_track(clinic)
    patient = admit(
        app,
        clinic,
        program,
        authorized_days=2,
        authorization_starts_on=date(2026, 3, 2),
        authorization_ends_on=date(2026, 4, 30),
    )
    body = plan_body(weeks=1) | {"book_beyond_authorization": True}
    response = clinic.staff.post(f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body)
    assert response.status_code == 201, response.text
    later(clock)

    flags = {}
    for day in ("2026-03-02", "2026-03-04", "2026-03-05"):
        url = f"/v1/appointments/{on(clinic, patient, day)['id']}/attendance"
        flags[day] = clinic.staff.put(url, json={"status": "present"}).json()[
            "is_beyond_authorization"
        ]

    assert flags == {"2026-03-02": False, "2026-03-04": False, "2026-03-05": True}


def test_an_ehr_reads_the_minutes_really_attended_as_the_encounters_length(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    later(clock)
    url = f"/v1/appointments/{on(clinic, patient, '2026-03-02')['id']}/attendance"
    clinic.staff.put(url, json={"status": "late", "minutes_attended": 135})

    bundle = clinic.ehr.get("/fhir/R4/Encounter", params={"patient": str(patient.patient_id)})

    [entry] = bundle.json()["entry"]
    assert entry["resource"]["length"]["value"] == 135
