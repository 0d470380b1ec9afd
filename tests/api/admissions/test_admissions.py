"""Admissions: evaluated and kept, then moved through their lifecycle, every move audited."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.admissions.test_eligibility import assessment as evaluation_body
from tests.conftest import FixedClock
from tests.factories import Clinic, audited, if_match, json_object, make_patient, make_program


def assessment(*ratings: int, **overrides: object) -> dict[str, Any]:
    """An intake assessment that leaves the age to the patient record."""
    return evaluation_body(*ratings, **{"age": None} | overrides)


APPROVAL = {
    "authorized_days": 30,
    "authorization_starts_on": "2026-03-09",
    "authorization_ends_on": "2026-04-30",
    "next_review_on": "2026-04-06",
    "reason": "Documentation complete.",
}


def admit(
    clinic: Clinic, patient_id: uuid.UUID, program_id: str, *ratings: int, **extra: object
) -> dict[str, Any]:
    body = {
        "patient_id": str(patient_id),
        "program_id": program_id,
        "assessment": assessment(*(ratings or (1, 1, 2, 1, 2, 1))),
        "part2_notice_given_on": "2026-03-02",
    } | extra
    response = clinic.staff.post("/v1/admissions", json=body)
    assert response.status_code == 201, response.text
    return json_object(response)


def act(
    clinic: Clinic,
    admission: dict[str, Any],
    action: str,
    body: dict[str, Any] | None = None,
    role: str = "staff",
) -> httpx2.Response:
    client: TestClient = getattr(clinic, role)
    url = f"/v1/admissions/{admission['id']}/{action}"
    response: httpx2.Response = client.post(
        url, json=body or {"reason": "r"}, headers=if_match(client, url)
    )
    return response


def test_an_eligible_admission_waits_for_approval(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    assert admission["status"] == "pending"
    assert admission["decision"]["outcome"] == "eligible"
    assert admission["allowed_actions"] == ["approve", "cancel", "reassess"]


def test_a_referral_waits_as_referred_for_a_reassessment_or_a_cancel(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"], 3, 1, 2, 1, 2, 1)
    assert admission["status"] == "referred"
    assert admission["decision"]["recommended_level"] == "WM"
    assert admission["allowed_actions"] == ["cancel", "reassess"]


def test_the_full_lifecycle_records_who_when_and_why(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    approved = act(clinic, admission, "approve", APPROVAL, role="clinician").json()
    assert approved["status"] == "approved"
    assert approved["authorization"] == {
        "authorized_days": 30, "starts_on": "2026-03-09", "ends_on": "2026-04-30",
        "next_review_on": "2026-04-06", "reference_number": None,
    }  # fmt: skip
    assert (
        act(clinic, admission, "start", {"started_on": "2026-03-09"}).json()["status"] == "active"
    )
    assert act(clinic, admission, "hold").json()["status"] == "on_hold"
    assert act(clinic, admission, "resume").json()["status"] == "active"
    discharged = act(
        clinic, admission, "discharge",
        {"type": "step_down", "discharged_on": "2026-05-29", "reason": "Ready for outpatient."},
    ).json()  # fmt: skip
    assert discharged["status"] == "discharged"
    assert discharged["discharge"]["type"] == "step_down"
    moves = clinic.staff.get(f"/v1/admissions/{admission['id']}/transitions").json()
    assert [(m["from_status"], m["to_status"]) for m in moves] == [
        (None, "pending"), ("pending", "approved"), ("approved", "active"),
        ("active", "on_hold"), ("on_hold", "active"), ("active", "discharged"),
    ]  # fmt: skip
    assert all(m["by_key_id"] and m["occurred_at"] for m in moves)
    assert moves[-1]["reason"] == "Ready for outpatient."


@pytest.mark.parametrize(
    ("setup", "action", "state"),
    [
        ([], "start", "pending"),
        ([], "discharge", "pending"),
        ([], "hold", "pending"),
        (["approve"], "resume", "approved"),
        (["approve", "start", "discharge"], "cancel", "discharged"),
        (["cancel"], "approve", "cancelled"),
    ],
)
def test_an_invalid_transition_is_409_naming_the_current_state(
    clinic: Clinic,
    patient: uuid.UUID,
    program: dict[str, Any],
    setup: list[str],
    action: str,
    state: str,
) -> None:
    admission = admit(clinic, patient, program["id"])
    bodies: dict[str, dict[str, Any]] = {
        "approve": APPROVAL,
        "start": {"started_on": "2026-03-09"},
        "discharge": {"type": "completed", "discharged_on": "2026-04-30", "reason": "done"},
    }
    for step in setup:
        role = "clinician" if step == "approve" else "staff"
        assert act(clinic, admission, step, bodies.get(step), role=role).status_code == 200
    body = bodies.get(action, {"reason": "r"})
    response = act(clinic, admission, action, body, role="clinician")
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"].endswith("/invalid-transition")
    assert problem["current_state"] == state
    assert state in problem["detail"]


def test_only_clinicians_approve(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    for role in ("staff", "admin", "ehr"):
        assert act(clinic, admission, "approve", APPROVAL, role=role).status_code == 403


def test_approval_needs_an_eligible_decision_and_the_part_2_notice(
    clinic: Clinic,
    patient: uuid.UUID,
    program: dict[str, Any],
) -> None:
    incomplete = admit(clinic, patient, program["id"], 1, 1, 2)
    refused = act(clinic, incomplete, "approve", APPROVAL, role="clinician")
    assert refused.json()["type"].endswith("/not-eligible")
    act(clinic, incomplete, "cancel")
    no_notice = admit(clinic, patient, program["id"], part2_notice_given_on=None)
    refused = act(clinic, no_notice, "approve", APPROVAL, role="clinician")
    assert refused.json()["type"].endswith("/part2-notice-missing")


def test_an_authorization_must_fit_its_dates(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    too_many = APPROVAL | {"authorized_days": 90}
    assert act(clinic, admission, "approve", too_many, role="clinician").status_code == 422


def test_one_open_admission_per_patient_per_program(
    clinic: Clinic,
    patient: uuid.UUID,
    program: dict[str, Any],
) -> None:
    first = admit(clinic, patient, program["id"])
    body = {
        "patient_id": str(patient),
        "program_id": program["id"],
        "assessment": assessment(1, 1, 2, 1, 2, 1),
    }
    again = clinic.staff.post("/v1/admissions", json=body)
    assert again.status_code == 409
    assert again.json()["type"].endswith("/admission-exists")
    act(clinic, first, "cancel")
    assert clinic.staff.post("/v1/admissions", json=body).status_code == 201


def test_a_reassessment_is_kept_as_history_and_can_recommend_a_level_change(
    clinic: Clinic,
    patient: uuid.UUID,
    program: dict[str, Any],
) -> None:
    admission = admit(clinic, patient, program["id"])
    act(clinic, admission, "approve", APPROVAL, role="clinician")
    assert act(clinic, admission, "start", {"started_on": "2026-03-09"}).status_code == 200
    worse = {"assessment": assessment(1, 1, 3, 2, 3, 2), "assessed_on": "2026-03-30"}
    response = clinic.clinician.post(
        f"/v1/admissions/{admission['id']}/assessments",
        json=worse,
        headers=if_match(clinic.clinician, f"/v1/admissions/{admission['id']}/assessments"),
    )
    assert response.status_code == 201
    assert response.json()["level_change_recommended"] is True
    assert response.json()["decision"]["recommended_level"] == "2.5"
    history = clinic.staff.get(f"/v1/admissions/{admission['id']}/assessments").json()
    assert [h["decision"]["recommended_level"] for h in history] == ["2.1", "2.5"]
    current = clinic.staff.get(f"/v1/admissions/{admission['id']}").json()
    assert current["status"] == "active"
    assert current["decision"]["recommended_level"] == "2.5"


def test_an_adolescent_needs_a_guardian_on_record(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    teen = make_patient(app, clinic, date_of_birth=__import__("datetime").date(2010, 6, 1))
    body = assessment(1, 1, 2, 1, 2, 1) | {"age": None, "guardian_consent": True}
    admission = clinic.staff.post(
        "/v1/admissions",
        json={"patient_id": str(teen), "program_id": program["id"], "assessment": body},
    ).json()
    assert admission["is_adolescent"] is True
    assert admission["decision"]["outcome"] == "incomplete"
    assert "guardian_consent" in admission["decision"]["missing"]
    assert admission["decision"]["min_weekly_hours"] == 6


def test_admission_access_is_audited_and_invisible_to_other_clinics(
    clinic: Clinic,
    other_clinic: Clinic,
    patient: uuid.UUID,
    program: dict[str, Any],
) -> None:
    admission = admit(clinic, patient, program["id"])
    clinic.clinician.get(f"/v1/admissions/{admission['id']}")
    accesses = audited(clinic, patient_id=str(patient), resource_type="admission")
    assert sorted(access["action"] for access in accesses) == ["create", "read"]
    assert other_clinic.admin.get(f"/v1/admissions/{admission['id']}").status_code == 404
    assert act(other_clinic, admission, "cancel").status_code == 404
    assert other_clinic.staff.get("/v1/admissions").json()["total"] == 0
    foreign = {"patient_id": str(patient), "program_id": program["id"], "assessment": {}}
    assert other_clinic.staff.post("/v1/admissions", json=foreign).status_code == 404
    assert clinic.payer.get(f"/v1/admissions/{admission['id']}").status_code == 403


def test_admissions_filter_by_patient_and_status(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admit(clinic, patient, program["id"])
    found = clinic.staff.get(
        "/v1/admissions", params={"patient_id": str(patient), "status": "pending"}
    )
    assert found.json()["total"] == 1
    assert clinic.staff.get("/v1/admissions", params={"status": "active"}).json()["total"] == 0


def test_the_admissions_total_follows_every_admission_through_its_states(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    # Totals past a full page come from a tally the database keeps; each must equal what the
    # whole list holds, whatever the filter and whatever moved since.
    other = make_program(clinic, name="Adult IOP – Day")
    evening = [admit(clinic, make_patient(app, clinic), program["id"]) for _ in range(3)]
    day = [admit(clinic, make_patient(app, clinic), other["id"]) for _ in range(2)]
    assert act(clinic, evening[0], "approve", APPROVAL, role="clinician").status_code == 200
    assert act(clinic, day[0], "cancel").status_code == 200

    def totals(**filters: str) -> tuple[int, int]:
        paged = clinic.staff.get("/v1/admissions", params={"limit": 1, **filters}).json()
        whole = clinic.staff.get("/v1/admissions", params={"limit": 200, **filters}).json()
        return paged["total"], len(whole["items"])

    expected = {
        (): 5,
        (("program_id", program["id"]),): 3,
        (("program_id", other["id"]),): 2,
        (("status", "pending"),): 3,
        (("status", "approved"),): 1,
        (("status", "cancelled"),): 1,
        (("program_id", program["id"]), ("status", "pending")): 2,
        (("program_id", other["id"]), ("status", "approved")): 0,
    }
    for filters, count in expected.items():
        assert totals(**dict(filters)) == (count, count), filters


def test_admissions_list_newest_first_and_those_made_in_one_instant_latest_first(
    app: FastAPI, clinic: Clinic, program: dict[str, Any], clock: FixedClock
) -> None:
    made = []
    for hours in (0, 2, 2, 5):  # two admitted in the same instant of the clinic's clock
        clock.now = datetime(2026, 3, 2, 14, tzinfo=UTC) + timedelta(hours=hours)
        made.append(admit(clinic, make_patient(app, clinic), program["id"])["id"])

    listed = clinic.staff.get("/v1/admissions", params={"limit": 3}).json()
    rest = clinic.staff.get("/v1/admissions", params={"limit": 3, "offset": 3}).json()

    assert [a["id"] for a in listed["items"] + rest["items"]] == made[::-1]
