"""A re-assessment that refers elsewhere stands: nobody starts or resumes IOP over it."""

import uuid
from typing import Any

from tests.api.admissions.test_admissions import APPROVAL, act, admit, assessment
from tests.factories import Clinic, if_match, json_object

WITHDRAWAL_MANAGEMENT = assessment(3, 1, 2, 1, 2, 1)  # D1 3: withdrawal management first
FITS_IOP = assessment(1, 1, 2, 1, 2, 1)
START = {"started_on": "2026-03-09"}


def reassess(clinic: Clinic, admission: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    response = clinic.clinician.post(
        f"/v1/admissions/{admission['id']}/assessments",
        json={"assessment": body},
        headers=if_match(clinic.clinician, f"/v1/admissions/{admission['id']}/assessments"),
    )
    assert response.status_code == 201, response.text
    return json_object(response)


def read(clinic: Clinic, admission: dict[str, Any]) -> dict[str, Any]:
    return json_object(clinic.staff.get(f"/v1/admissions/{admission['id']}"))


def test_an_approved_admission_reassessed_for_withdrawal_management_cannot_start(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    assert act(clinic, admission, "approve", APPROVAL, role="clinician").status_code == 200
    reassess(clinic, admission, WITHDRAWAL_MANAGEMENT)
    assert read(clinic, admission)["allowed_actions"] == ["cancel", "reassess"]
    # The list shows it as its latest assessment left it, as its own read does.
    listed = clinic.staff.get("/v1/admissions", params={"patient_id": str(patient)}).json()
    assert listed["items"] == [read(clinic, admission)]

    refused = act(clinic, admission, "start", START)

    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"].endswith("/not-eligible")
    assert (problem["outcome"], problem["recommended_level"]) == ("refer_higher", "WM")
    assert [r["code"] for r in problem["reasons"]] == [
        "drug_screen_positive",
        "withdrawal_management_needed",
    ]
    assert read(clinic, admission)["status"] == "approved"


def test_once_a_new_assessment_fits_iop_again_treatment_starts(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    act(clinic, admission, "approve", APPROVAL, role="clinician")
    reassess(clinic, admission, WITHDRAWAL_MANAGEMENT)
    reassess(clinic, admission, FITS_IOP)
    started = act(clinic, admission, "start", START)
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "active"


def test_a_held_admission_reassessed_as_needing_more_care_is_not_resumed_but_can_be_discharged(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    act(clinic, admission, "approve", APPROVAL, role="clinician")
    act(clinic, admission, "start", START)
    act(clinic, admission, "hold", {"reason": "Relapse; admitted to detox."})
    reassess(clinic, admission, WITHDRAWAL_MANAGEMENT)
    assert read(clinic, admission)["allowed_actions"] == ["discharge", "reassess"]

    refused = act(clinic, admission, "resume", {"reason": "Back from detox."})

    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/not-eligible")
    assert "withdrawal_management_needed" in {r["code"] for r in refused.json()["reasons"]}
    step_up = {"type": "step_up", "discharged_on": "2026-03-20", "reason": "Residential."}
    assert act(clinic, admission, "discharge", step_up).json()["status"] == "discharged"


def test_an_active_admission_reassessed_as_needing_more_care_stays_active_to_be_discharged(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    act(clinic, admission, "approve", APPROVAL, role="clinician")
    act(clinic, admission, "start", START)
    reassess(clinic, admission, assessment(1, 1, 4, 1, 2, 1))
    current = read(clinic, admission)
    assert current["status"] == "active"
    assert current["decision"]["outcome"] == "refer_higher"
    assert current["allowed_actions"] == ["hold", "discharge", "reassess"]
