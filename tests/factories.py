"""Small factories with keyword arguments: the data each test needs, and nothing else."""

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import httpx2
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.access import service as access_service
from app.access.schemas import ApiKeyCreate
from app.security import Role


def make_key(
    app: FastAPI,
    organization_id: uuid.UUID,
    role: Role = Role.admin,
    *,
    payer_id: str | None = None,
    expires_at: datetime | None = None,
    issued_at: datetime | None = None,
    staff_id: uuid.UUID | None = None,
) -> str:
    """A key of `role`; a clinician key is held by a licensed staff member made for it unless
    `staff_id` names one."""
    if role == Role.payer and payer_id is None:
        payer_id = "payer-demo"
    secret = app.state.settings.key_secret.get_secret_value()
    with app.state.sessionmaker.begin() as session:
        if role == Role.clinician and staff_id is None:
            staff_id = make_licensed_staff(session, organization_id)
        request = ApiKeyCreate(
            name=f"{role} key", role=role, payer_id=payer_id, staff_id=staff_id,
            expires_at=expires_at,
        )  # fmt: skip
        _key, raw_key = access_service.issue_key(
            session, organization_id, request, secret, now=issued_at
        )
    return raw_key


def make_licensed_staff(session: Session, organization_id: uuid.UUID) -> uuid.UUID:
    """Dr. Ada Reyes, MD: the clinician whose key approves admissions in tests."""
    from app.programs.models import StaffMember

    staff = StaffMember(
        organization_id=organization_id, name="Dr. Ada Reyes", credential="MD",
        license_number="A12345", session_kinds=["individual"], therapies=[],
    )  # fmt: skip
    session.add(staff)
    session.flush()
    return staff.id


def json_object(response: httpx2.Response) -> dict[str, Any]:
    """The JSON object a response carries."""
    body: dict[str, Any] = response.json()
    return body


def client_for(app: FastAPI, key: str) -> TestClient:
    return TestClient(
        app, headers={"Authorization": f"Bearer {key}"}, raise_server_exceptions=False
    )


@dataclass
class Clinic:
    """An organization with one client per role."""

    organization_id: uuid.UUID
    admin: TestClient
    staff: TestClient
    clinician: TestClient
    ehr: TestClient
    payer: TestClient
    intake: TestClient

    def as_role(self, role: Role) -> TestClient:
        client: TestClient = getattr(self, role.value)
        return client


def make_clinic(app: FastAPI, *, name: str = "Riverbend Recovery") -> Clinic:
    with app.state.sessionmaker.begin() as session:
        organization_id = access_service.create_organization(session, name).id
    clients = {role.value: client_for(app, make_key(app, organization_id, role)) for role in Role}
    return Clinic(organization_id=organization_id, **clients)


def audited(clinic: Clinic, **filters: str) -> list[dict[str, Any]]:
    """What the audit trail says was touched: the accesses of the events an admin finds with
    `filters`, oldest event first, keeping those that match the filters themselves (an event
    names every record of its request)."""
    page = json_object(clinic.admin.get("/v1/audit-events", params=filters | {"limit": 200}))
    return [
        access
        for event in reversed(page["items"])
        for access in event["accesses"]
        if all(access[name] == value for name, value in filters.items() if name in access)
    ]


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def make_program(clinic: Clinic, **overrides: object) -> dict[str, Any]:
    """A program through the API; defaults to an evening track open Monday to Friday."""
    evening = {day: {"opens": "17:00", "closes": "21:00"} for day in WEEKDAYS}
    body = {
        "name": "Adult IOP – Evening",
        "track": "evening",
        "time_zone": "America/New_York",
        "operating_hours": evening,
        "country": "US",
        "subdivision": "MA",
    } | overrides
    response = clinic.admin.post("/v1/programs", json=body)
    assert response.status_code == 201, response.text
    return json_object(response)


def make_staff(clinic: Clinic, **overrides: object) -> dict[str, Any]:
    body = {
        "name": "Dana Whitfield",
        "credential": "LPC",
        "license_number": "LPC-20417",
        "session_kinds": ["group", "individual", "family", "education"],
    } | overrides
    response = clinic.admin.post("/v1/staff", json=body)
    assert response.status_code == 201, response.text
    return json_object(response)


def make_room(clinic: Clinic, **overrides: object) -> dict[str, Any]:
    response = clinic.admin.post(
        "/v1/rooms", json={"name": "Group room B", "capacity": 16} | overrides
    )
    assert response.status_code == 201, response.text
    return json_object(response)


def make_patient(app: FastAPI, clinic: Clinic, **overrides: object) -> uuid.UUID:
    """A patient stored directly, for tests of other domains."""
    from app.patients.models import Patient

    fields: dict[str, object] = {
        "given_name": "Alex",
        "family_name": "Rivera",
        "date_of_birth": date(1990, 5, 17),
        "sex": "male",
        "gender_identity": None,
        "is_veteran": False,
        "tags": [],
    } | overrides
    fields["given_name_folded"] = str(fields["given_name"]).casefold()
    fields["family_name_folded"] = str(fields["family_name"]).casefold()
    with app.state.sessionmaker.begin() as session:
        patient = Patient(organization_id=clinic.organization_id, **fields)
        session.add(patient)
        session.flush()
        return patient.id


def make_admission(
    app: FastAPI,
    clinic: Clinic,
    *,
    patient_id: uuid.UUID,
    program_id: uuid.UUID | str,
    status: str = "approved",
    **overrides: object,
) -> uuid.UUID:
    """An admission stored directly in `status`, with the eligible assessment it was decided
    on, for tests of other domains."""
    from app.admissions.assessment import Assessment
    from app.admissions.examples import REQUESTS
    from app.admissions.models import Admission, AdmissionAssessment
    from app.admissions.rules import evaluate_eligibility
    from app.programs.settings import ProgramSettings

    fields: dict[str, object] = {
        "outcome": "eligible",
        "recommended_level": "2.1",
        "settings_version": 1,
        "is_adolescent": False,
        "is_step_down": False,
    } | overrides
    with app.state.sessionmaker.begin() as session:
        admission = Admission(
            organization_id=clinic.organization_id,
            patient_id=patient_id,
            program_id=uuid.UUID(str(program_id)),
            status=status,
            **fields,
        )
        session.add(admission)
        session.flush()
        assessment = Assessment.model_validate(REQUESTS["eligible"][1])
        decision = evaluate_eligibility(assessment, ProgramSettings(), date(2026, 3, 2))
        session.add(
            AdmissionAssessment(
                organization_id=clinic.organization_id,
                admission_id=admission.id,
                assessed_on=date(2026, 3, 2),
                asam_edition=3,
                assessment=assessment.model_dump(mode="json"),
                decision=decision.model_dump(mode="json"),
                outcome=decision.outcome,
                recommended_level=decision.recommended_level,
                by_key_id=None,
            )
        )
        return admission.id


def every_get_path(app: FastAPI, *, but: tuple[str, ...] = ()) -> list[str]:
    """Every GET of /v1 in the OpenAPI document (but those starting with `but`), its path
    parameters filled in: what a role that may read nothing must be refused."""

    def filled(parameter: re.Match[str]) -> str:
        return "2026-03-02" if "date" in parameter[0] else str(uuid.uuid4())

    return [
        re.sub(r"\{[^}]+\}", filled, path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/v1") and "get" in operations and not (but and path.startswith(but))
    ]


def if_match(client: TestClient, url: str) -> dict[str, str]:
    """`If-Match` with the ETag the record at `url` has now, read as a client would before
    changing it (an action such as `…/approve` or `…/settings` changes the record above it)."""
    path = url.split("?", 1)[0]
    resource = path.rsplit("/", 1)[0] if path.rsplit("/", 1)[1] in _CHANGES_ABOVE else path
    etag = client.get(resource).headers.get("ETag")
    return {"If-Match": etag} if etag is not None else {}


_CHANGES_ABOVE = frozenset(
    {
        "approve",
        "start",
        "hold",
        "resume",
        "discharge",
        "cancel",
        "assessments",
        "close",
        "complete",
        "settings",
    }
)
