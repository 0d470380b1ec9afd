"""An EHR's day with the clinic, by FHIR only: it pushes its patient, corrects it, and follows
the admission, the booked sessions and the attended ones, every resource valid R4."""

from fastapi import FastAPI

from tests.api.admissions.test_admissions import APPROVAL, admit
from tests.api.scheduling.factories import make_track, plan_body
from tests.factories import Clinic, if_match

from .fhir import BASE, MRN, fhir, fhir_patient, push, record_attendance, resources


def test_an_ehr_pushes_a_patient_and_follows_its_care_by_fhir(app: FastAPI, clinic: Clinic) -> None:
    ehr = clinic.ehr
    # The EHR pushes its patient, then pushes a correction: one patient, version 2.
    created = fhir(push(ehr, fhir_patient()), 201)
    corrected = fhir(
        push(ehr, fhir_patient(name=[{"family": "Rivera", "given": ["Alexander"]}]),
             **{"If-Match": 'W/"1"'})
    )  # fmt: skip
    assert corrected["id"] == created["id"]
    assert corrected["meta"]["versionId"] == "2"
    patient = f"Patient/{created['id']}"

    # The clinic admits, approves, starts and plans treatment through its own API.
    admission = admit(clinic, created["id"], make_track(clinic)["id"])
    approved = clinic.clinician.post(
        f"/v1/admissions/{admission['id']}/approve",
        json=APPROVAL,
        headers=if_match(clinic.clinician, f"/v1/admissions/{admission['id']}/approve"),
    )
    assert approved.status_code == 200, approved.text
    start = {"started_on": APPROVAL["authorization_starts_on"]}  # treatment starts when covered
    assert (
        clinic.staff.post(
            f"/v1/admissions/{admission['id']}/start",
            json=start,
            headers=if_match(clinic.staff, f"/v1/admissions/{admission['id']}/start"),
        ).status_code
        == 200
    )
    plan = clinic.staff.post(
        f"/v1/admissions/{admission['id']}/treatment-plan",
        json=plan_body(start_date="2026-03-09", weeks=2),
    )
    assert plan.status_code == 201, plan.text

    # The EHR finds its patient by identifier and reads the episode of care.
    [found] = resources(
        fhir(ehr.get(f"{BASE}/Patient", params={"identifier": f"{MRN}|MRN-004512"}))
    )
    assert found == fhir(ehr.get(f"{BASE}/Patient/{created['id']}"))
    assert found["name"][0]["given"] == ["Alexander"]
    [episode] = resources(fhir(ehr.get(f"{BASE}/EpisodeOfCare", params={"patient": patient})))
    assert episode == fhir(ehr.get(f"{BASE}/EpisodeOfCare/{admission['id']}"))
    assert (episode["status"], episode["period"]) == ("active", {"start": "2026-03-09"})

    # The booked sessions of the first week, then the one attended as an encounter.
    first_week = {"patient": patient, "date": ["ge2026-03-09", "le2026-03-15"]}
    appointments = resources(fhir(ehr.get(f"{BASE}/Appointment", params=first_week)))
    assert [a["status"] for a in appointments] == ["booked"] * 3
    for appointment in appointments:
        assert fhir(ehr.get(f"{BASE}/Appointment/{appointment['id']}")) == appointment
    record_attendance(app, appointments[0]["id"], "fulfilled")

    encounters = resources(fhir(ehr.get(f"{BASE}/Encounter", params={"patient": patient})))
    assert [e["id"] for e in encounters] == [appointments[0]["id"]]
    assert encounters[0]["length"]["value"] == 180
    assert fhir(ehr.get(f"{BASE}/Encounter/{encounters[0]['id']}")) == encounters[0]
    booked = fhir(ehr.get(f"{BASE}/Appointment", params={"patient": patient, "status": "booked"}))
    assert booked["total"] == 5
