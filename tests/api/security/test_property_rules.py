"""Property-level rules: which fields a client may write, and which a role reads."""

from typing import Any

import pytest
from fastapi import FastAPI

from app.admissions.examples import REQUESTS
from tests.api.security.dataset import Dataset

# Fields the server owns on every record: the client never sets them.
SERVER_OWNED = ["id", "organization_id", "version", "created_at", "updated_at", "deleted_at"]

# Writes with a valid body (ids filled from the caller's dataset) and the further fields the
# server owns on that resource: a status moved only by its actions, who did what, and when.
WRITES: list[tuple[str, str, str, dict[str, Any], list[str]]] = [
    ("staff", "POST", "/v1/patients",
     {"given_name": "Sam", "family_name": "Ortiz", "date_of_birth": "1985-01-01"}, []),
    ("staff", "PATCH", "/v1/patients/{patient_id}", {"phone": "+1 413 555 0100"}, []),
    ("staff", "POST", "/v1/admissions",
     {"patient_id": "{patient_id}", "program_id": "{program_id}",
      "assessment": REQUESTS["eligible"][1]},
     ["status", "outcome", "recommended_level", "approved_by", "settings_version"]),
    ("staff", "POST", "/v1/patients/{patient_id}/coverages", {"payer_type": "self_pay"},
     ["patient_id"]),
    ("staff", "POST", "/v1/insurance-verifications",
     {"patient_id": "{patient_id}", "coverage_id": "{coverage_id}"},
     ["status", "payer_id", "requested_at"]),
    ("staff", "PATCH", "/v1/appointments/{appointment_id}", {"staff_id": "{staff_id}"},
     ["patient_id", "admission_id"]),
    ("admin", "POST", "/v1/staff", {"name": "Jordan Park"}, []),
    ("admin", "PATCH", "/v1/rooms/{room_id}", {"capacity": 12}, []),
    ("admin", "POST", "/v1/api-keys", {"name": "tablet", "role": "staff"},
     ["key", "key_prefix", "key_hash", "revoked_at", "created_by_key_id"]),
    ("admin", "POST", "/v1/webhook-subscriptions",
     {"url": "https://ehr.example.org/hooks", "event_types": ["patient.changed"]},
     ["status", "secret", "failing_since"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "method", "template", "body", "field"),
    [(*write[:4], field) for write in WRITES for field in SERVER_OWNED + write[4]],
    ids=lambda value: str(value)[:30],
)
def test_a_field_the_server_owns_is_refused_by_name(
    app: FastAPI,
    datasets: tuple[Dataset, Dataset],
    role: str,
    method: str,
    template: str,
    body: dict[str, Any],
    field: str,
) -> None:
    own, _other = datasets
    client = getattr(own.clinic, role)
    written = own.fill(body) | {field: own.fill(body).get(field, "2026-03-02T15:00:00Z")}
    response = client.request(method, own.path(template), json=written)
    assert response.status_code == 422, response.text
    errors = {error["field"]: error["code"] for error in response.json()["errors"]}
    assert errors == {field: "extra_forbidden"}
    # Without it the same body passes validation: the field alone was refused.
    assert client.request(method, own.path(template), json=own.fill(body)).status_code != 422


PATIENT_FIELDS = {
    "id", "version", "created_at", "updated_at", "given_name", "family_name", "date_of_birth",
    "sex", "gender_identity", "is_veteran", "tags", "identifiers", "guardian", "phone", "email",
    "address",
}  # fmt: skip
# What each role reads of a patient. An EHR integration exchanges the whole demographic record
# with the clinic (it is the record's other home); a verification partner reads no patient.
PATIENT_READ_BY_ROLE = {
    "admin": PATIENT_FIELDS,
    "staff": PATIENT_FIELDS,
    "clinician": PATIENT_FIELDS,
    "ehr": PATIENT_FIELDS,
}
# What a payer's verification partner reads of a verification request: the member, the plan's
# numbers and the service asked about; nothing clinical, no contact details, no internal ids.
PAYER_VERIFICATION_FIELDS = {
    "id", "status", "payer_id", "patient", "admission_id", "member_id", "group_number",
    "service_types",
    "service_starts_on", "service_ends_on", "requested_at",
}  # fmt: skip
PAYER_PATIENT_FIELDS = {"given_name", "family_name", "date_of_birth"}


@pytest.mark.parametrize("role", sorted(PATIENT_READ_BY_ROLE))
def test_what_each_role_reads_of_a_patient(
    app: FastAPI, datasets: tuple[Dataset, Dataset], role: str
) -> None:
    own, _other = datasets
    patient = getattr(own.clinic, role).get(own.path("/v1/patients/{patient_id}")).json()
    assert set(patient) == PATIENT_READ_BY_ROLE[role]
    listed = getattr(own.clinic, role).get("/v1/patients").json()["items"]
    assert all(set(item) == PATIENT_READ_BY_ROLE[role] for item in listed)


def test_what_a_verification_partner_reads_of_a_request(
    app: FastAPI, datasets: tuple[Dataset, Dataset]
) -> None:
    own, _other = datasets
    partner = own.clinic.payer
    one = partner.get(own.path("/v1/insurance-verifications/{verification_id}")).json()
    listed = partner.get("/v1/insurance-verifications").json()["items"]
    for request in [one, *listed]:
        assert set(request) == PAYER_VERIFICATION_FIELDS
        assert set(request["patient"]) == PAYER_PATIENT_FIELDS
    assert own.ids["patient_id"] not in str(one)
    assert own.ids["coverage_id"] not in str(one)
    assert partner.get(own.path("/v1/patients/{patient_id}")).status_code == 403
