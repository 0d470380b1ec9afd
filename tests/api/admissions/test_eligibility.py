"""The stateless evaluation: every outcome, program settings, and the documented examples."""

from typing import Any

import pytest

from app.admissions.examples import REQUESTS
from tests.factories import Clinic, if_match, make_program

DIAGNOSIS = {
    "code": "F11.20",
    "diagnosed_by": {"name": "Dr. Ada Reyes", "credential": "MD", "license_number": "A12345"},
    "diagnosed_on": "2026-02-20",
}


def assessment(*ratings: int, **overrides: object) -> dict[str, Any]:
    return {
        "age": 34,
        "diagnoses": [DIAGNOSIS],
        "drug_screen": {"result": "positive", "collected_on": "2026-02-20"},
        "withdrawal": {"needs_medical_management": False},
        "asam": {"edition": 3, "dimensions": {f"d{n}": r for n, r in enumerate(ratings, 1)}},
        "suicide_risk": False,
        "needs_24h_supervision": False,
        "safe_housing": True,
    } | overrides


@pytest.mark.parametrize(
    ("ratings", "outcome", "level"),
    [
        ((1, 1, 2, 1, 2, 1), "eligible", "2.1"),
        ((1, 1, 1, 1, 1, 1), "refer_lower", "1"),
        ((1, 1, 3, 1, 2, 1), "refer_higher", "2.5"),
        ((1, 4, 2, 1, 2, 1), "refer_higher", "3"),
        ((3, 1, 2, 1, 2, 1), "refer_higher", "WM"),
    ],
)
def test_the_highest_risk_dimension_places_the_patient(
    clinic: Clinic, ratings: tuple[int, ...], outcome: str, level: str
) -> None:
    response = clinic.clinician.post("/v1/eligibility/evaluations", json=assessment(*ratings))
    assert response.status_code == 200, response.text
    assert (response.json()["outcome"], response.json()["recommended_level"]) == (outcome, level)


def test_an_incomplete_assessment_lists_what_is_missing(clinic: Clinic) -> None:
    body = assessment(1, 1, 2) | {"drug_screen": None, "diagnoses": []}
    decision = clinic.staff.post("/v1/eligibility/evaluations", json=body).json()
    assert decision["outcome"] == "incomplete"
    assert decision["recommended_level"] is None
    assert {"diagnoses", "drug_screen", "asam.dimensions.d4"} <= set(decision["missing"])
    codes = {reason["code"] for reason in decision["reasons"]}
    assert {"diagnosis_missing", "drug_screen_required"} <= codes


def test_a_program_that_does_not_require_a_drug_screen_is_honoured(clinic: Clinic) -> None:
    program = make_program(clinic)
    settings = program["settings"] | {"requires_drug_screen": False}
    clinic.admin.put(
        f"/v1/programs/{program['id']}/settings",
        json=settings,
        headers=if_match(clinic.admin, f"/v1/programs/{program['id']}/settings"),
    )
    body = assessment(1, 1, 2, 1, 2, 1) | {"drug_screen": None, "program_id": program["id"]}
    decision = clinic.staff.post("/v1/eligibility/evaluations", json=body).json()
    assert decision["outcome"] == "eligible"
    assert decision["settings_version"] == 2


def test_a_diagnosis_by_a_credential_the_program_does_not_accept_is_not_enough(
    clinic: Clinic,
) -> None:
    program = make_program(clinic, settings={"accepted_credentials": ["MD", "DO"]})
    lcsw = DIAGNOSIS | {
        "diagnosed_by": {"name": "Sam Ortiz", "credential": "LCSW", "license_number": "9"}
    }
    body = assessment(1, 1, 2, 1, 2, 1) | {"diagnoses": [lcsw], "program_id": program["id"]}
    decision = clinic.staff.post("/v1/eligibility/evaluations", json=body).json()
    assert decision["outcome"] == "incomplete"
    assert "clinician_not_licensed" in {reason["code"] for reason in decision["reasons"]}


def test_an_unknown_program_is_404_and_payers_may_not_evaluate(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    theirs = make_program(other_clinic)
    body = assessment(1, 1, 2, 1, 2, 1) | {"program_id": theirs["id"]}
    assert clinic.staff.post("/v1/eligibility/evaluations", json=body).status_code == 404
    assert clinic.payer.post("/v1/eligibility/evaluations", json=body).status_code == 403


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_the_documented_examples_are_what_the_service_answers(clinic: Clinic, name: str) -> None:
    documented = clinic.staff.get("/openapi.json").json()["paths"]["/v1/eligibility/evaluations"]
    example = documented["post"]["responses"]["200"]["content"]["application/json"]["examples"][
        name
    ]
    answer = clinic.staff.post("/v1/eligibility/evaluations", json=REQUESTS[name][1]).json()
    assert answer["outcome"] == example["value"]["outcome"]

    # The document keeps the examples' null members (a reason without a dimension).
    assert answer["reasons"] == example["value"]["reasons"]
    assert {"eligible": "eligible", "referred": "refer_higher", "incomplete": "incomplete"}[
        name
    ] == answer["outcome"]
