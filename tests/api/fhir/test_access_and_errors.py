"""The FHIR interface has the keys, roles, tenancy and audit of `/v1`; its failures are
OperationOutcomes, while `/v1` keeps answering problem documents."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.fhir.capability import RESOURCES
from tests.factories import Clinic, audited, make_patient

from .fhir import BASE, fhir, fhir_patient, outcome, push, resources


def test_an_ehr_key_sees_nothing_of_another_clinic(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic
) -> None:
    theirs = fhir(push(other_clinic.ehr, fhir_patient()), 201)

    read = clinic.ehr.get(f"{BASE}/Patient/{theirs['id']}")
    search = fhir(clinic.ehr.get(f"{BASE}/Patient", params={"identifier": "MRN-004512"}))
    ours = fhir(push(clinic.ehr, fhir_patient()), 201)

    outcome(read, 404)
    assert search["total"] == 0
    assert ours["id"] != theirs["id"]
    assert fhir(other_clinic.ehr.get(f"{BASE}/Patient"))["total"] == 1


def test_a_key_reads_and_writes_only_what_its_role_allows(app: FastAPI, clinic: Clinic) -> None:
    patient_id = make_patient(app, clinic)

    assert (
        outcome(clinic.payer.get(f"{BASE}/Patient/{patient_id}"), 403)["issue"][0]["code"]
        == "forbidden"
    )
    outcome(clinic.payer.get(f"{BASE}/Appointment"), 403)
    outcome(push(clinic.payer, fhir_patient()), 403)
    fhir(push(clinic.ehr, fhir_patient()), 201)
    fhir(clinic.clinician.get(f"{BASE}/Patient/{patient_id}"))


def test_without_a_key_the_answer_is_401_as_an_operation_outcome(client: TestClient) -> None:
    response = client.get(f"{BASE}/Patient")

    assert outcome(response, 401)["issue"][0]["code"] == "login"


def test_what_an_ehr_reads_by_fhir_is_in_the_audit_trail(app: FastAPI, clinic: Clinic) -> None:
    patient_id = make_patient(app, clinic)

    fhir(clinic.ehr.get(f"{BASE}/Patient/{patient_id}"))
    fhir(clinic.ehr.get(f"{BASE}/Appointment", params={"patient": str(patient_id)}))

    accesses = audited(clinic, patient_id=str(patient_id))
    assert [(a["action"], a["resource_type"]) for a in accesses] == [("read", "patient")]


def test_a_pushed_patient_is_in_the_audit_trail_as_created(clinic: Clinic) -> None:
    created = fhir(push(clinic.ehr, fhir_patient()), 201)

    accesses = audited(clinic, patient_id=created["id"])

    assert [(a["action"], a["resource_type"]) for a in accesses] == [("create", "patient")]


def test_an_unknown_resource_type_or_method_answers_an_operation_outcome(clinic: Clinic) -> None:
    assert outcome(clinic.ehr.get(f"{BASE}/Claim"), 404)["issue"][0]["code"] == "not-found"
    assert outcome(clinic.ehr.delete(f"{BASE}/Patient/x"), 405)["issue"][0]["code"] == (
        "not-supported"
    )
    assert clinic.ehr.patch(f"{BASE}/Patient").headers["allow"] == "GET, POST, PUT"
    outcome(clinic.ehr.get(f"{BASE}/Patient/not-an-id"), 404)
    outcome(clinic.ehr.get(f"{BASE}/Patient", params={"_count": 1000}), 400)
    outcome(clinic.ehr.get(f"{BASE}/Appointment", params={"date": "sa2026-03-02"}), 400)
    outcome(clinic.ehr.get(f"{BASE}/Appointment", params={"date": "next week"}), 400)


def test_the_v1_api_still_answers_problem_documents(client: TestClient, clinic: Clinic) -> None:
    missing = clinic.ehr.get("/v1/patients/00000000-0000-0000-0000-000000000000")
    anonymous = client.get("/v1/patients")

    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/nothing-here").headers["content-type"] == "application/problem+json"


def test_the_capability_statement_lists_exactly_what_the_server_does(
    client: TestClient, clinic: Clinic
) -> None:
    statement = fhir(client.get(f"{BASE}/metadata"))

    [rest] = statement["rest"]
    listed = {r["type"]: r for r in rest["resource"]}
    assert statement["fhirVersion"] == "4.0.1"
    assert set(listed) == {
        "Patient", "EpisodeOfCare", "Appointment", "Encounter", "Group", "Coverage"
    }  # fmt: skip
    assert {i["code"] for i in listed["Patient"]["interaction"]} == {
        "read", "search-type", "create", "update"
    }  # fmt: skip
    assert {i["code"] for i in listed["Group"]["interaction"]} == {"read", "search-type"}
    for support in RESOURCES:
        names = {p["name"] for p in listed[support.type].get("searchParam", [])}
        assert names == {p.name for p in support.search}
        for name in names:  # each listed parameter is taken …
            value = "2026-03-02" if name in ("birthdate", "_lastUpdated", "date") else "x"
            value = "finished" if (support.type, name) == ("Encounter", "status") else value
            value = "booked" if (support.type, name) == ("Appointment", "status") else value
            value = "active" if (support.type, name) in {
                ("EpisodeOfCare", "status"), ("Coverage", "status")
            } else value  # fmt: skip
            fhir(clinic.ehr.get(f"{BASE}/{support.type}", params={name: value}))
        # … and one it does not list is refused.
        outcome(clinic.ehr.get(f"{BASE}/{support.type}", params={"_sort": "x"}), 400)


def test_every_listed_resource_type_reads_and_searches(clinic: Clinic) -> None:
    for support in RESOURCES:
        bundle = fhir(clinic.ehr.get(f"{BASE}/{support.type}"))
        assert resources(bundle) == []
        missing = clinic.ehr.get(f"{BASE}/{support.type}/00000000-0000-0000-0000-000000000001")
        outcome(missing, 404)
