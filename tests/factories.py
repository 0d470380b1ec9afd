"""Small factories with keyword arguments: the data each test needs, and nothing else."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

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
) -> str:
    if role == Role.payer and payer_id is None:
        payer_id = "payer-demo"
    request = ApiKeyCreate(name=f"{role} key", role=role, payer_id=payer_id, expires_at=expires_at)
    secret = app.state.settings.key_secret.get_secret_value()
    with app.state.sessionmaker.begin() as session:
        _key, raw_key = access_service.issue_key(session, organization_id, request, secret)
    return raw_key


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

    def as_role(self, role: Role) -> TestClient:
        client: TestClient = getattr(self, role.value)
        return client


def make_clinic(app: FastAPI, *, name: str = "Riverbend Recovery") -> Clinic:
    with app.state.sessionmaker.begin() as session:
        organization_id = access_service.create_organization(session, name).id
    clients = {role.value: client_for(app, make_key(app, organization_id, role)) for role in Role}
    return Clinic(organization_id=organization_id, **clients)
