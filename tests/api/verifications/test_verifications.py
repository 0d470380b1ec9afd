"""Insurance verification partners: requests, the payer's narrow view, results and X12."""

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.security import Role
from app.verifications.models import InsuranceVerification
from tests.api.coverages.test_coverages import add_coverage
from tests.factories import (
    Clinic,
    audited,
    client_for,
    if_match,
    make_key,
    make_patient,
    make_program,
)

PAYER = "60054"


def request_verification(app: FastAPI, clinic: Clinic, **overrides: Any) -> dict[str, Any]:
    patient_id = make_patient(app, clinic)
    coverage = add_coverage(clinic, patient_id)
    body = {
        "patient_id": str(patient_id), "coverage_id": coverage["id"],
        "service_starts_on": "2026-03-09", "service_ends_on": "2026-06-05",
    } | overrides  # fmt: skip
    response = clinic.staff.post("/v1/insurance-verifications", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def partner(app: FastAPI, clinic: Clinic) -> Any:
    return client_for(app, make_key(app, clinic.organization_id, Role.payer, payer_id=PAYER))


def test_staff_request_starts_pending_with_the_default_service_types(
    app: FastAPI, clinic: Clinic
) -> None:
    verification = request_verification(app, clinic)
    assert verification["status"] == "pending"
    assert verification["payer_id"] == PAYER
    assert verification["service_types"] == ["MH", "AI", "A8"]


def test_a_payer_sees_exactly_what_verification_needs(
    app: FastAPI, clinic: Clinic, partner: Any
) -> None:
    verification = request_verification(app, clinic)
    listed = partner.get("/v1/insurance-verifications", params={"status": "pending"}).json()
    assert listed["total"] == 1
    [item] = listed["items"]
    assert set(item) == {
        "id", "status", "payer_id", "patient", "member_id", "group_number", "service_types",
        "service_starts_on", "service_ends_on", "requested_at", "admission_id",
    }  # fmt: skip
    assert item["patient"] == {"given_name": "Alex", "family_name": "Rivera",
                               "date_of_birth": "1990-05-17"}  # fmt: skip
    assert (item["member_id"], item["group_number"]) == ("BHP123456789", "GRP-0042")
    assert item["id"] == verification["id"]


def test_another_payers_request_is_missing_for_a_payer(
    app: FastAPI, clinic: Clinic, partner: Any
) -> None:
    verification = request_verification(app, clinic)
    other = client_for(app, make_key(app, clinic.organization_id, Role.payer, payer_id="87726"))
    assert other.get("/v1/insurance-verifications").json()["total"] == 0
    for url in ("", "/x12-270"):
        response = other.get(f"/v1/insurance-verifications/{verification['id']}{url}")
        assert response.status_code == 404
    result = {"status": "failed", "failure_reason": "not ours"}
    posted = other.post(f"/v1/insurance-verifications/{verification['id']}/result", json=result)
    assert posted.status_code == 404
    assert partner.get(f"/v1/insurance-verifications/{verification['id']}").status_code == 200


def test_a_payer_key_is_refused_every_clinical_route(
    app: FastAPI, clinic: Clinic, partner: Any
) -> None:
    patient_id = make_patient(app, clinic)
    for url in (f"/v1/patients/{patient_id}", "/v1/patients", "/v1/admissions",
                f"/v1/patients/{patient_id}/coverages", "/v1/appointments", "/v1/groups",
                f"/v1/patients/{patient_id}/insurance-verifications",
                "/v1/audit-events"):  # fmt: skip
        assert partner.get(url).status_code == 403, url
    body = {"patient_id": str(patient_id), "coverage_id": str(patient_id)}
    assert partner.post("/v1/insurance-verifications", json=body).status_code == 403


def test_verified_benefits_change_the_next_estimate(
    app: FastAPI, clinic: Clinic, partner: Any
) -> None:
    program = make_program(clinic)
    verification = request_verification(app, clinic)
    [coverage] = clinic.staff.get(f"/v1/patients/{verification['patient_id']}/coverages").json()

    def estimate() -> dict[str, Any]:
        body = {"program_id": program["id"], "treatment_days": 10, "coverage_id": coverage["id"]}
        response = clinic.staff.post("/v1/cost-estimates", json=body)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    before = estimate()
    url = f"/v1/insurance-verifications/{verification['id']}"
    assert partner.post(f"{url}/start").json()["status"] == "in_progress"
    result = {"status": "completed", "verified_on": "2026-03-01", "benefits": {
        "deductible": {"total": "500.00", "met": "500.00"},
        "copay_per_day": {"amount": "25.00"}}}  # fmt: skip
    answered = partner.post(f"{url}/result", json=result)
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "completed"
    after = estimate()
    assert before["patient_pays"] != after["patient_pays"]
    assert after["patient_pays"] == "250.00"
    benefits = clinic.staff.get(
        f"/v1/patients/{verification['patient_id']}/coverages/{coverage['id']}"
    ).json()["benefits"]
    assert benefits["deductible"]["source"] == "verified"
    assert benefits["deductible"]["recorded_on"] == "2026-03-01"
    assert benefits["coinsurance"] is None
    assert benefits["out_of_pocket_max"]["source"] == "entered"
    assert partner.post(f"{url}/result", json=result).status_code == 409


def test_staff_cancel_a_request_and_the_payer_can_no_longer_answer_it(
    app: FastAPI, clinic: Clinic, partner: Any
) -> None:
    verification = request_verification(app, clinic)
    url = f"/v1/insurance-verifications/{verification['id']}"
    assert clinic.staff.post(f"{url}/cancel").json()["status"] == "cancelled"
    result = {"status": "failed", "failure_reason": "member unknown"}
    assert partner.post(f"{url}/result", json=result).status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "completed"}, "body"),
        ({"status": "failed"}, "body"),
        ({"status": "done", "benefits": {}}, "status"),
        ({"status": "completed", "benefits": {"coinsurance": {"rate": "2"}}}, "benefits"),
    ],
)
def test_an_unclear_result_is_refused_and_changes_nothing(
    app: FastAPI, clinic: Clinic, partner: Any, body: dict[str, Any], field: str
) -> None:
    verification = request_verification(app, clinic)
    url = f"/v1/insurance-verifications/{verification['id']}"
    response = partner.post(f"{url}/result", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert any(e["field"].startswith(field) for e in response.json()["errors"])
    assert partner.get(url).json()["status"] == "pending"


def test_every_access_to_a_verification_is_audited(
    app: FastAPI, clinic: Clinic, partner: Any
) -> None:
    verification = request_verification(app, clinic)
    url = f"/v1/insurance-verifications/{verification['id']}"
    partner.get("/v1/insurance-verifications")
    partner.get(url)
    partner.get(f"{url}/x12-270")
    clinic.staff.get(f"/v1/patients/{verification['patient_id']}/insurance-verifications")
    accesses = audited(
        clinic, patient_id=verification["patient_id"], resource_type="insurance_verification"
    )
    actions = sorted(access["action"] for access in accesses)
    assert actions == ["create", "list", "list", "read", "read"]


def test_a_coverage_without_a_payer_id_cannot_be_verified(app: FastAPI, clinic: Clinic) -> None:
    patient_id = make_patient(app, clinic)
    coverage = add_coverage(clinic, patient_id, payer_id=None)
    body = {"patient_id": str(patient_id), "coverage_id": coverage["id"]}
    response = clinic.staff.post("/v1/insurance-verifications", json=body)
    assert response.status_code == 422


def test_a_deleted_patients_requests_leave_the_payers_view(
    app: FastAPI, clinic: Clinic, partner: Any
) -> None:
    answered = request_verification(app, clinic)
    result = {"status": "failed", "failure_reason": "member not found"}
    url = f"/v1/insurance-verifications/{answered['id']}"
    assert partner.post(f"{url}/result", json=result).status_code == 200
    waiting = request_verification(app, clinic)
    assert partner.get("/v1/insurance-verifications").json()["total"] == 2

    for verification in (answered, waiting):
        patient = f"/v1/patients/{verification['patient_id']}"
        deleted = clinic.admin.delete(patient, headers=if_match(clinic.admin, patient))
        assert deleted.status_code == 204, deleted.text

    assert partner.get("/v1/insurance-verifications").json() == {
        "items": [], "total": 0, "limit": 50, "offset": 0,
    }  # fmt: skip
    for verification in (answered, waiting):
        url = f"/v1/insurance-verifications/{verification['id']}"
        assert partner.get(url).status_code == 404
        assert partner.get(f"{url}/x12-270").status_code == 404
    late = partner.post(f"/v1/insurance-verifications/{waiting['id']}/start")
    assert late.status_code == 404
    with app.state.sessionmaker() as session:
        ids = [uuid.UUID(verification["id"]) for verification in (answered, waiting)]
        stored = session.scalars(
            select(InsuranceVerification).where(InsuranceVerification.id.in_(ids))
        ).all()
        statuses = {str(verification.id): verification.status for verification in stored}
    assert statuses == {answered["id"]: "failed", waiting["id"]: "cancelled"}
