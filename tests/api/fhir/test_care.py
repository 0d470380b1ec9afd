"""EpisodeOfCare, Appointment, Encounter and Group: the clinic's care as FHIR resources."""

import uuid
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.groups.factories import admitted_patient, join, leave, make_group
from tests.api.scheduling.factories import Admitted, admit, make_track, plan_body
from tests.conftest import FixedClock
from tests.factories import Clinic, if_match, make_admission, make_patient, make_program

from .fhir import BASE, fhir, outcome, record_attendance, resources


def extension(resource: dict[str, Any], name: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = [
        e for e in resource["extension"] if e["url"].endswith("/" + name)
    ]
    [found] = matches
    return found


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("pending", "planned"),
        ("approved", "planned"),
        ("active", "active"),
        ("on_hold", "onhold"),
        ("cancelled", "cancelled"),
        ("referred", "cancelled"),
    ],
)
def test_an_admission_is_an_episode_of_care_in_the_matching_status(
    app: FastAPI, clinic: Clinic, ours: str, theirs: str
) -> None:
    patient_id = make_patient(app, clinic)
    admission_id = make_admission(
        app, clinic, patient_id=patient_id, program_id=make_program(clinic)["id"], status=ours
    )

    episode = fhir(clinic.ehr.get(f"{BASE}/EpisodeOfCare/{admission_id}"))

    assert episode["status"] == theirs
    assert extension(episode, "admission-status")["valueCoding"]["code"] == ours
    assert episode["patient"] == {"reference": f"Patient/{patient_id}"}


def test_a_discharged_admission_is_a_finished_episode_with_its_discharge_type(
    app: FastAPI, clinic: Clinic
) -> None:
    admission_id = make_admission(
        app,
        clinic,
        patient_id=make_patient(app, clinic),
        program_id=make_program(clinic)["id"],
        status="discharged",
        started_on=date(2026, 1, 5),
        discharge_type="step_down",
        discharged_on=date(2026, 2, 27),
        discharge_reason="Stepped down to outpatient.",
    )

    episode = fhir(clinic.ehr.get(f"{BASE}/EpisodeOfCare/{admission_id}"))

    assert episode["status"] == "finished"
    assert episode["period"] == {"start": "2026-01-05", "end": "2026-02-27"}
    discharge = extension(episode, "discharge-type")["valueCodeableConcept"]
    assert discharge["coding"][0]["code"] == "step_down"
    assert discharge["text"] == "Stepped down to outpatient."


def test_episodes_of_care_are_searched_by_patient_and_status(app: FastAPI, clinic: Clinic) -> None:
    program = make_program(clinic)
    patient_id = make_patient(app, clinic)
    other_id = make_patient(app, clinic, given_name="Jo")
    for status in ("pending", "cancelled"):
        make_admission(app, clinic, patient_id=patient_id, program_id=program["id"], status=status)
    make_admission(app, clinic, patient_id=other_id, program_id=program["id"], status="active")

    def statuses(**params: str) -> list[str]:
        bundle = fhir(clinic.ehr.get(f"{BASE}/EpisodeOfCare", params=params))
        assert bundle["total"] == len(bundle["entry"])
        return sorted(e["status"] for e in resources(bundle))

    assert statuses(patient=f"Patient/{patient_id}") == ["cancelled", "planned"]
    assert statuses(patient=str(patient_id), status="planned") == ["planned"]
    assert statuses(status="active,cancelled") == ["active", "cancelled"]
    assert statuses(status="waitlist") == []
    assert statuses(patient=f"Patient/{uuid.uuid4()}") == []
    assert statuses(patient="Patient/not-one-of-ours") == []
    outcome(clinic.ehr.get(f"{BASE}/EpisodeOfCare", params={"status": "paused"}), 400)
    outcome(clinic.ehr.get(f"{BASE}/EpisodeOfCare", params={"patient": "Group/1"}), 400)


@pytest.fixture
def planned(app: FastAPI, clinic: Clinic) -> Admitted:
    """An evening patient with two weeks of Monday, Wednesday and Thursday sessions
    (18:00–21:00 in New York, 23:00Z) from 2 March 2026."""
    admitted = admit(app, clinic, make_track(clinic))
    response = clinic.staff.post(
        f"/v1/admissions/{admitted.admission_id}/treatment-plan", json=plan_body(weeks=2)
    )
    assert response.status_code == 201, response.text
    return admitted


def appointments_of(clinic: Clinic, patient: Admitted, **params: Any) -> list[dict[str, Any]]:
    bundle = fhir(
        clinic.ehr.get(f"{BASE}/Appointment", params={"patient": patient.patient_id} | params)
    )
    return resources(bundle)


def test_booked_sessions_are_appointments_searched_by_date_and_status(
    clinic: Clinic, planned: Admitted
) -> None:
    every = appointments_of(clinic, planned)
    first_week = appointments_of(clinic, planned, date=["ge2026-03-02", "le2026-03-08"])
    thursdays = appointments_of(clinic, planned, date="2026-03-05")
    by_instant = appointments_of(clinic, planned, date="lt2026-03-04T23:00:00Z")

    assert len(every) == 6
    assert every[0]["start"] == "2026-03-02T23:00:00Z"
    assert every[0]["end"] == "2026-03-03T02:00:00Z"
    assert every[0]["minutesDuration"] == 180
    assert every[0]["status"] == "booked"
    assert every[0]["participant"][0]["actor"] == {"reference": f"Patient/{planned.patient_id}"}
    assert every[0]["supportingInformation"] == [
        {"reference": f"EpisodeOfCare/{planned.admission_id}"}
    ]
    assert [a["start"][:10] for a in first_week] == ["2026-03-02", "2026-03-04", "2026-03-05"]
    assert [a["start"][:10] for a in thursdays] == ["2026-03-05"]
    assert [a["start"][:10] for a in by_instant] == ["2026-03-02"]


def test_attended_missed_and_cancelled_sessions_keep_their_status(
    app: FastAPI, clinic: Clinic, planned: Admitted
) -> None:
    monday, wednesday, thursday, *_ = appointments_of(clinic, planned)
    record_attendance(app, monday["id"], "fulfilled")
    record_attendance(app, wednesday["id"], "noshow")
    cancelled = clinic.staff.patch(
        f"/v1/appointments/{thursday['id']}",
        json={"status": "cancelled", "cancel_reason": "patient", "note": "Called in sick"},
        headers=if_match(clinic.staff, f"/v1/appointments/{thursday['id']}"),
    )
    assert cancelled.status_code == 200, cancelled.text

    statuses = [a["status"] for a in appointments_of(clinic, planned, date="le2026-03-05")]
    [gone] = appointments_of(clinic, planned, status="cancelled")

    assert statuses == ["fulfilled", "noshow", "cancelled"]
    assert gone["cancelationReason"]["coding"][0]["code"] == "patient"
    assert [a["status"] for a in appointments_of(clinic, planned, status="noshow,fulfilled")] == [
        "fulfilled",
        "noshow",
    ]


def test_an_attended_session_is_a_finished_encounter_with_the_minutes_attended(
    app: FastAPI, clinic: Clinic, planned: Admitted
) -> None:
    monday, wednesday, *_ = appointments_of(clinic, planned)
    record_attendance(app, monday["id"], "fulfilled")
    record_attendance(app, wednesday["id"], "noshow")

    bundle = fhir(clinic.ehr.get(f"{BASE}/Encounter", params={"patient": str(planned.patient_id)}))
    encounter = fhir(clinic.ehr.get(f"{BASE}/Encounter/{monday['id']}"))

    assert bundle["total"] == 1
    assert resources(bundle) == [encounter]
    assert encounter["status"] == "finished"
    assert encounter["class"]["code"] == "AMB"
    assert encounter["length"] == {
        "value": 180, "unit": "min", "system": "http://unitsofmeasure.org", "code": "min"
    }  # fmt: skip
    assert encounter["period"] == {"start": monday["start"], "end": monday["end"]}
    assert encounter["appointment"] == [{"reference": f"Appointment/{monday['id']}"}]
    assert encounter["episodeOfCare"] == [{"reference": f"EpisodeOfCare/{planned.admission_id}"}]
    outcome(clinic.ehr.get(f"{BASE}/Encounter/{wednesday['id']}"), 404)
    search = {"patient": str(planned.patient_id), "status": "cancelled"}
    assert fhir(clinic.ehr.get(f"{BASE}/Encounter", params=search))["total"] == 0


def test_a_therapy_group_lists_its_criteria_and_the_members_who_held_a_seat(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    program = make_program(clinic)
    criteria = [
        {"attribute": "age", "operator": "between", "value": [18, 64]},
        {"attribute": "is_veteran", "operator": "is_true"},
        {"attribute": "sex", "operator": "in", "value": ["female", "male"]},
    ]
    group = make_group(
        clinic, program, name="Veterans", criteria=criteria, specialization="veterans"
    )
    stays, leaves = (admitted_patient(app, clinic, program, is_veteran=True) for _ in range(2))
    for patient_id in (stays, leaves):
        assert join(clinic.staff, group, patient_id).status_code == 201
    assert leave(clinic.staff, group, leaves).status_code == 200

    resource = fhir(clinic.ehr.get(f"{BASE}/Group/{group['id']}"))
    [searched] = resources(fhir(clinic.ehr.get(f"{BASE}/Group")))

    assert searched == resource
    assert (resource["name"], resource["type"], resource["actual"]) == ("Veterans", "person", True)
    assert resource["quantity"] == 1
    age, veteran, sex = resource["characteristic"]
    assert age["code"]["coding"][0]["code"] == "age"
    assert (age["valueRange"]["low"]["value"], age["valueRange"]["high"]["value"]) == (18, 64)
    assert veteran["valueBoolean"] is True
    assert [c["code"] for c in sex["valueCodeableConcept"]["coding"]] == ["female", "male"]
    members = {m["entity"]["reference"]: m for m in resource["member"]}
    assert members[f"Patient/{stays}"]["inactive"] is False
    assert members[f"Patient/{stays}"]["period"] == {"start": "2026-03-02T15:00:00Z"}
    assert members[f"Patient/{leaves}"]["inactive"] is True
    assert members[f"Patient/{leaves}"]["period"]["end"] == "2026-03-02T15:00:00Z"
