"""Coverage: a patient's insurance as FHIR, with what the plan makes the patient pay."""

import uuid
from typing import Any

from fastapi import FastAPI

from tests.api.coverages.test_coverages import COMMERCIAL, full_and_sparse
from tests.factories import Clinic, audited, if_match, json_object, make_patient

from .fhir import BASE, fhir, outcome, resources


def add_coverage(clinic: Clinic, patient_id: uuid.UUID, **overrides: object) -> dict[str, Any]:
    response = clinic.staff.post(
        f"/v1/patients/{patient_id}/coverages", json=COMMERCIAL | overrides
    )
    assert response.status_code == 201, response.text
    return json_object(response)


def cost(coverage: dict[str, Any], code: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = coverage["costToBeneficiary"]
    [only] = [c for c in found if c["type"]["coding"][0]["code"] == code]
    return only


def extension(element: dict[str, Any], name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [e for e in element["extension"] if e["url"].endswith("/" + name)]
    [only] = found
    return only


def test_a_coverage_reads_as_fhir_with_payer_member_id_period_and_patient_share(
    app: FastAPI, clinic: Clinic
) -> None:
    patient_id = make_patient(app, clinic)
    stored = add_coverage(clinic, patient_id)

    response = clinic.ehr.get(f"{BASE}/Coverage/{stored['id']}")
    coverage = fhir(response)

    assert response.headers["etag"] == 'W/"1"'
    assert coverage["status"] == "active"
    assert coverage["beneficiary"] == {"reference": f"Patient/{patient_id}"}
    assert "subscriber" not in coverage  # who holds the policy is not recorded
    assert coverage["subscriberId"] == "BHP123456789"
    assert coverage["identifier"][0]["value"] == "BHP123456789"
    assert coverage["identifier"][0]["type"]["coding"][0]["code"] == "MB"
    assert coverage["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert coverage["payor"] == [
        {
            "display": "Blue Harbor Health Plan",
            "identifier": {"system": "https://iop.example/fhir/NamingSystem/payer-id",
                           "value": "60054"},
        }
    ]  # fmt: skip
    assert coverage["class"][0]["value"] == "GRP-0042"
    assert coverage["type"]["coding"][0]["code"] == "5"  # private health insurance
    assert extension(coverage, "network-status")["valueCoding"]["code"] == "in_network"
    assert extension(coverage, "requires-prior-authorization")["valueBoolean"] is True


def test_the_patients_share_is_cost_to_beneficiary_with_hl7_copay_types(
    app: FastAPI, clinic: Clinic
) -> None:
    stored = add_coverage(clinic, make_patient(app, clinic))

    coverage = fhir(clinic.ehr.get(f"{BASE}/Coverage/{stored['id']}"))

    types = {c["type"]["coding"][0]["system"] for c in coverage["costToBeneficiary"]}
    assert types == {"http://terminology.hl7.org/CodeSystem/coverage-copay-type"}
    coinsurance = cost(coverage, "copaypct")
    assert coinsurance["valueQuantity"] == {
        "value": 20.0, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"
    }  # fmt: skip
    deductible = cost(coverage, "deductible")
    assert deductible["valueMoney"] == {"value": 1500.0, "currency": "USD"}
    assert extension(deductible, "benefit-met")["valueMoney"] == {"value": 200.0, "currency": "USD"}
    assert extension(deductible, "benefit-source")["valueCoding"]["code"] == "entered"
    assert extension(deductible, "benefit-recorded-on")["valueDate"] == "2026-03-02"
    assert cost(coverage, "maxoutofpocket")["valueMoney"] == {"value": 4000.0, "currency": "USD"}
    assert [
        c for c in coverage["costToBeneficiary"] if c["type"]["coding"][0]["code"] == "copay"
    ] == []


def test_a_daily_copay_is_a_copay_amount(app: FastAPI, clinic: Clinic) -> None:
    benefits = {"copay_per_day": {"amount": "35.00"}}
    stored = add_coverage(clinic, make_patient(app, clinic), benefits=benefits)

    coverage = fhir(clinic.ehr.get(f"{BASE}/Coverage/{stored['id']}"))

    [copay] = coverage["costToBeneficiary"]
    assert copay["type"]["coding"][0]["code"] == "copay"
    assert copay["valueMoney"] == {"value": 35.0, "currency": "USD"}


def test_a_self_pay_coverage_is_paid_by_the_patient_and_may_have_nothing_else(
    app: FastAPI, clinic: Clinic
) -> None:
    patient_id = make_patient(app, clinic)
    response = clinic.staff.post(
        f"/v1/patients/{patient_id}/coverages", json={"payer_type": "self_pay"}
    )
    stored = json_object(response)

    coverage = fhir(clinic.ehr.get(f"{BASE}/Coverage/{stored['id']}"))

    assert coverage["payor"] == [{"reference": f"Patient/{patient_id}"}]
    assert coverage["type"]["coding"][0]["code"] == "81"
    for absent in ("identifier", "subscriberId", "period", "class", "costToBeneficiary"):
        assert absent not in coverage


def test_coverages_are_searched_by_patient_member_id_and_status(
    app: FastAPI, clinic: Clinic
) -> None:
    patient_id = make_patient(app, clinic)
    other_id = make_patient(app, clinic, given_name="Jo")
    mine = add_coverage(clinic, patient_id)
    theirs = add_coverage(clinic, other_id, member_id="XYZ-1")

    def found(**params: str) -> list[str]:
        return [c["id"] for c in resources(fhir(clinic.ehr.get(f"{BASE}/Coverage", params=params)))]

    assert found() == [theirs["id"], mine["id"]]  # newest first
    assert found(patient=f"Patient/{patient_id}") == [mine["id"]]
    assert found(identifier="XYZ-1") == [theirs["id"]]
    assert found(identifier="|XYZ-1") == [theirs["id"]]
    assert found(identifier="urn:oid:1.2.3|XYZ-1") == []  # member ids have no system here
    assert found(status="active", patient=str(other_id)) == [theirs["id"]]
    assert found(status="cancelled,draft") == []
    outcome(clinic.ehr.get(f"{BASE}/Coverage", params={"status": "lapsed"}), 400)
    outcome(clinic.ehr.get(f"{BASE}/Coverage", params={"payor": "x"}), 400)


def test_an_ehr_key_never_reads_another_clinics_coverage(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic
) -> None:
    theirs = add_coverage(other_clinic, make_patient(app, other_clinic))

    missing = clinic.ehr.get(f"{BASE}/Coverage/{theirs['id']}")

    assert outcome(missing, 404)["issue"][0]["code"] == "not-found"
    assert fhir(clinic.ehr.get(f"{BASE}/Coverage"))["total"] == 0
    assert fhir(other_clinic.ehr.get(f"{BASE}/Coverage"))["total"] == 1


def test_a_deleted_coverage_or_patient_leaves_no_coverage_to_read(
    app: FastAPI, clinic: Clinic
) -> None:
    patient_id = make_patient(app, clinic)
    deleted = add_coverage(clinic, patient_id)
    url = f"/v1/patients/{patient_id}/coverages/{deleted['id']}"
    assert clinic.staff.delete(url, headers=if_match(clinic.staff, url)).status_code == 204
    other_id = make_patient(app, clinic, given_name="Jo")
    orphaned = add_coverage(clinic, other_id)
    other_url = f"/v1/patients/{other_id}"
    assert (
        clinic.admin.delete(other_url, headers=if_match(clinic.admin, other_url)).status_code == 204
    )

    outcome(clinic.ehr.get(f"{BASE}/Coverage/{deleted['id']}"), 404)
    outcome(clinic.ehr.get(f"{BASE}/Coverage/{orphaned['id']}"), 404)
    assert fhir(clinic.ehr.get(f"{BASE}/Coverage"))["total"] == 0


def test_coverages_read_by_fhir_are_audited_and_only_for_roles_that_read_coverages(
    app: FastAPI, clinic: Clinic
) -> None:
    patient_id = make_patient(app, clinic)
    stored = add_coverage(clinic, patient_id)

    fhir(clinic.ehr.get(f"{BASE}/Coverage/{stored['id']}"))
    fhir(clinic.ehr.get(f"{BASE}/Coverage", params={"patient": str(patient_id)}))
    outcome(clinic.payer.get(f"{BASE}/Coverage/{stored['id']}"), 403)
    outcome(clinic.payer.get(f"{BASE}/Coverage"), 403)

    trail = [(a["action"], a["resource_type"]) for a in audited(clinic, patient_id=str(patient_id))]
    assert trail.count(("read", "coverage")) == 1
    assert trail.count(("list", "coverage")) == 1


def test_a_coverage_found_by_search_reads_as_its_own_resource(app: FastAPI, clinic: Clinic) -> None:
    patient_id, full, sparse = full_and_sparse(app, clinic)

    found = resources(fhir(clinic.ehr.get(f"{BASE}/Coverage", params={"patient": str(patient_id)})))

    assert [c["id"] for c in found] == [sparse["id"], full["id"]]
    for resource in found:
        assert resource == fhir(clinic.ehr.get(f"{BASE}/Coverage/{resource['id']}"))
