"""A patient's coverages: benefits with their source and date, audited, scoped, role-checked."""

from typing import Any

import pytest
from fastapi import FastAPI

from tests.factories import Clinic, audited, make_patient

COMMERCIAL = {
    "payer_type": "commercial",
    "payer_id": "60054",
    "payer_name": "Blue Harbor Health Plan",
    "member_id": "BHP123456789",
    "group_number": "GRP-0042",
    "plan_starts_on": "2026-01-01",
    "plan_ends_on": "2026-12-31",
    "network_status": "in_network",
    "requires_prior_authorization": True,
    "benefits": {
        "deductible": {"total": "1500.00", "met": "200.00"},
        "coinsurance": {"rate": "0.20"},
        "out_of_pocket_max": {"total": "4000.00", "met": "500.00"},
    },
}


def add_coverage(clinic: Clinic, patient_id: object, **overrides: object) -> dict:  # type: ignore[type-arg]
    response = clinic.staff.post(
        f"/v1/patients/{patient_id}/coverages", json=COMMERCIAL | overrides
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_each_benefit_says_it_was_entered_by_staff_and_when(app: FastAPI, clinic: Clinic) -> None:
    coverage = add_coverage(clinic, make_patient(app, clinic))
    deductible = coverage["benefits"]["deductible"]
    assert deductible == {"total": "1500.00", "met": "200.00", "source": "entered",
                          "recorded_on": "2026-03-02"}  # fmt: skip
    assert coverage["benefits"]["copay_per_day"] is None


def test_a_changed_benefit_is_re_dated_and_the_others_keep_their_date(
    app: FastAPI, clinic: Clinic, clock: object
) -> None:
    from datetime import timedelta

    patient_id = make_patient(app, clinic)
    coverage = add_coverage(clinic, patient_id)
    clock.now += timedelta(days=10)  # type: ignore[attr-defined]
    benefits = COMMERCIAL["benefits"] | {"deductible": {"total": "1500.00", "met": "900.00"}}  # type: ignore[operator]
    url = f"/v1/patients/{patient_id}/coverages/{coverage['id']}"
    response = clinic.clinician.patch(url, json={"benefits": benefits}, headers={"If-Match": '"1"'})
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    changed = response.json()["benefits"]
    assert changed["deductible"]["recorded_on"] == "2026-03-12"
    assert changed["coinsurance"]["recorded_on"] == "2026-03-02"


def test_coverages_are_audited_and_leave_domain_events(app: FastAPI, clinic: Clinic) -> None:
    patient_id = make_patient(app, clinic)
    coverage = add_coverage(clinic, patient_id)
    clinic.ehr.get(f"/v1/patients/{patient_id}/coverages")
    clinic.staff.get(f"/v1/patients/{patient_id}/coverages/{coverage['id']}")
    deleted = clinic.admin.delete(
        f"/v1/patients/{patient_id}/coverages/{coverage['id']}",
        headers={"If-Match": '"1"'},
    )
    assert deleted.status_code == 204
    accesses = audited(clinic, patient_id=str(patient_id), resource_type="coverage")
    assert sorted(access["action"] for access in accesses) == [
        "create", "delete", "list", "read",
    ]  # fmt: skip
    assert clinic.staff.get(f"/v1/patients/{patient_id}/coverages").json() == []


def test_another_clinic_cannot_see_a_coverage(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic
) -> None:
    patient_id = make_patient(app, clinic)
    coverage = add_coverage(clinic, patient_id)
    response = other_clinic.staff.get(f"/v1/patients/{patient_id}/coverages/{coverage['id']}")
    assert response.status_code == 404


@pytest.mark.parametrize(("role", "status"), [("ehr", 403), ("payer", 403)])
def test_only_clinic_roles_record_coverages(
    app: FastAPI, clinic: Clinic, role: str, status: int
) -> None:
    patient_id = make_patient(app, clinic)
    client = getattr(clinic, role)
    assert (
        client.post(f"/v1/patients/{patient_id}/coverages", json=COMMERCIAL).status_code == status
    )
    assert clinic.payer.get(f"/v1/patients/{patient_id}/coverages").status_code == 403


@pytest.mark.parametrize(
    ("benefits", "field"),
    [
        ({"coinsurance": {"rate": "0.2"}, "copay_per_day": {"amount": "25"}}, "benefits"),
        ({"deductible": {"total": "100", "met": "200"}}, "benefits.deductible"),
        ({"coinsurance": {"rate": "1.5"}}, "benefits.coinsurance.rate"),
        ({"copay_per_day": {"amount": "-5"}}, "benefits.copay_per_day.amount"),
    ],
)
def test_impossible_benefits_are_refused_with_the_field(
    app: FastAPI,
    clinic: Clinic,
    benefits: dict[str, Any],
    field: str,
) -> None:
    patient_id = make_patient(app, clinic)
    body = COMMERCIAL | {"benefits": benefits}
    response = clinic.staff.post(f"/v1/patients/{patient_id}/coverages", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field in {error["field"] for error in response.json()["errors"]}


def full_and_sparse(app: FastAPI, clinic: Clinic) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """A patient with a commercial coverage and a self-pay one (nulls in most fields)."""
    patient_id = make_patient(app, clinic)
    full = add_coverage(clinic, patient_id)
    response = clinic.staff.post(
        f"/v1/patients/{patient_id}/coverages", json={"payer_type": "self_pay"}
    )
    assert response.status_code == 201, response.text
    sparse = response.json()
    return patient_id, full, sparse


def test_a_coverage_in_a_list_reads_exactly_as_its_own_record(app: FastAPI, clinic: Clinic) -> None:
    patient_id, full, sparse = full_and_sparse(app, clinic)
    listed = clinic.staff.get(f"/v1/patients/{patient_id}/coverages").json()
    for coverage in (full, sparse):
        own = clinic.staff.get(f"/v1/patients/{patient_id}/coverages/{coverage['id']}").json()
        [item] = [item for item in listed if item["id"] == coverage["id"]]
        # Same fields in the same order, nulls included: a client may compare them as text.
        assert list(item.items()) == list(own.items())
