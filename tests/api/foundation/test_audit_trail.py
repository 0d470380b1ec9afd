"""The audit trail is readable by admins and cannot be edited, even from the database."""

import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from app.audit.models import AuditEvent
from app.context import AuditAction, Context
from app.security import Principal, Role
from tests.factories import Clinic


def record_patient_read(app: FastAPI, clinic: Clinic, patient_id: uuid.UUID) -> None:
    principal = Principal(uuid.uuid4(), clinic.organization_id, Role.staff, None)
    with app.state.sessionmaker.begin() as session:
        ctx = Context(session, principal, "req-1", app.state.clock())
        ctx.audit(AuditAction.read, "patient", patient_id)


def test_admins_filter_the_trail_by_patient(app: FastAPI, clinic: Clinic) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    record_patient_read(app, clinic, first)
    record_patient_read(app, clinic, second)
    page = clinic.admin.get("/v1/audit-events", params={"patient_id": str(first)}).json()
    assert page["total"] == 1
    assert page["items"][0]["resource_id"] == str(first)
    assert page["items"][0]["action"] == "read"


def test_the_trail_is_for_admins_only(clinic: Clinic) -> None:
    assert clinic.staff.get("/v1/audit-events").status_code == 403


def test_an_organization_never_sees_another_organizations_trail(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic
) -> None:
    record_patient_read(app, clinic, uuid.uuid4())
    assert other_clinic.admin.get("/v1/audit-events").json()["total"] == 0


@pytest.mark.parametrize(
    "statement",
    [update(AuditEvent).values(action="tampered"), delete(AuditEvent)],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_edit_or_delete_audit_events(
    app: FastAPI, clinic: Clinic, statement: object
) -> None:
    record_patient_read(app, clinic, uuid.uuid4())
    with pytest.raises(DBAPIError, match="append-only"), app.state.sessionmaker.begin() as session:
        session.execute(statement)
