"""What the FHIR tests share: every resource checked against the R4 models of
`fhir.resources`, and an EHR's request helpers."""

import uuid
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class
from httpx2 import Response

FHIR_JSON = "application/fhir+json"
BASE = "/fhir/R4"
MRN = "urn:oid:2.16.840.1.113883.19.5"


def valid(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource, once the R4 model of its type accepts it (a Bundle's entries too)."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    for entry in resource.get("entry", []):
        valid(entry["resource"])
    return resource


def fhir(response: Response, status: int = 200) -> dict[str, Any]:
    """The body of a FHIR answer with this status, validated."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(FHIR_JSON)
    return valid(response.json())


def resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    assert bundle["type"] == "searchset"
    return [entry["resource"] for entry in bundle["entry"]]


def outcome(response: Response, status: int) -> dict[str, Any]:
    """The OperationOutcome of a failure with this status."""
    body = fhir(response, status)
    assert body["resourceType"] == "OperationOutcome"
    return body


def fhir_patient(mrn: str = "MRN-004512", **elements: Any) -> dict[str, Any]:
    """A Patient as an EHR sends it."""
    return {
        "resourceType": "Patient",
        "identifier": [{"system": MRN, "value": mrn}],
        "name": [{"use": "official", "family": "Rivera", "given": ["Alex"]}],
        "gender": "male",
        "birthDate": "1990-05-17",
    } | elements


def push(client: TestClient, patient: dict[str, Any], **headers: str) -> Response:
    """The EHR's upsert: update by identifier, which creates the patient the first time."""
    [identifier] = [i for i in patient["identifier"] if i["system"] == MRN]
    response: Response = client.put(
        f"{BASE}/Patient",
        params={"identifier": f"{MRN}|{identifier['value']}"},
        json=patient,
        headers={"Content-Type": FHIR_JSON, **headers},
    )
    return response


def record_attendance(app: FastAPI, appointment_id: str | uuid.UUID, status: str) -> None:
    """Mark a session attended (`fulfilled`) or missed (`noshow`) in the database: recording
    attendance is another part of the service."""
    from app.scheduling.models import Appointment

    with app.state.sessionmaker.begin() as session:
        appointment = session.get(Appointment, uuid.UUID(str(appointment_id)))
        assert appointment is not None
        appointment.status = status
