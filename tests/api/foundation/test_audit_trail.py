"""The audit trail: one event per request naming every record it touched, readable by admins,
refused edits by the database, and chained so that an edit or a removal is found."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent, AuditEventPatient
from app.context import AuditAction, Context
from app.security import Principal, Role
from tests.factories import Clinic, json_object, make_patient


def record_reads(
    app: FastAPI, clinic: Clinic, *patient_ids: uuid.UUID, request_id: str = "req-1"
) -> None:
    principal = Principal(uuid.uuid4(), clinic.organization_id, Role.staff, None)
    with app.state.sessionmaker.begin() as session:
        ctx = Context(session, principal, request_id, app.state.clock())
        for patient_id in patient_ids:
            ctx.audit(AuditAction.read, "patient", patient_id)


def trail(clinic: Clinic, **params: Any) -> list[dict[str, Any]]:
    page = json_object(clinic.admin.get("/v1/audit-events", params=params | {"limit": 200}))
    items: list[dict[str, Any]] = page["items"]
    return items


def event_count(app: FastAPI) -> int:
    with app.state.sessionmaker() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_admins_filter_the_trail_by_patient(app: FastAPI, clinic: Clinic) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    record_reads(app, clinic, first)
    record_reads(app, clinic, second)
    [event] = trail(clinic, patient_id=str(first))
    assert event["accesses"] == [
        {"action": "read", "resource_type": "patient", "resource_id": str(first),
         "patient_id": str(first)},
    ]  # fmt: skip


def test_a_page_of_patients_is_one_event_naming_each_of_them(app: FastAPI, clinic: Clinic) -> None:
    patients = [str(make_patient(app, clinic, given_name=f"P{n}")) for n in range(3)]
    before = event_count(app)
    assert clinic.staff.get("/v1/patients").status_code == 200
    assert event_count(app) == before + 1
    [latest, *_] = trail(clinic)
    assert {access["patient_id"] for access in latest["accesses"]} == set(patients)
    assert {access["action"] for access in latest["accesses"]} == {"list"}
    for patient_id in patients:  # and each patient finds it
        assert latest["id"] in {event["id"] for event in trail(clinic, patient_id=patient_id)}


def test_a_request_that_touches_no_patient_data_writes_no_event(
    app: FastAPI, clinic: Clinic
) -> None:
    before = event_count(app)
    assert clinic.admin.get("/v1/programs").status_code == 200
    assert clinic.staff.get("/v1/me").status_code == 200
    assert event_count(app) == before


def test_a_rolled_back_transaction_leaves_no_event(app: FastAPI, clinic: Clinic) -> None:
    principal = Principal(uuid.uuid4(), clinic.organization_id, Role.staff, None)
    before = event_count(app)
    with app.state.sessionmaker() as session:
        Context(session, principal, "req-1", app.state.clock()).audit(
            AuditAction.read, "patient", uuid.uuid4()
        )
        session.rollback()  # the request failed
        session.commit()
    assert event_count(app) == before
    record_reads(app, clinic, uuid.uuid4())  # what a later transaction notes is its own
    [event] = trail(clinic)
    assert len(event["accesses"]) == 1


def test_savepoints_inside_a_transaction_leave_one_event_at_its_commit(
    app: FastAPI, clinic: Clinic
) -> None:
    principal = Principal(uuid.uuid4(), clinic.organization_id, Role.staff, None)
    patients = [uuid.uuid4() for _ in range(3)]
    before = event_count(app)
    with app.state.sessionmaker.begin() as session:
        ctx = Context(session, principal, "req-1", app.state.clock())
        ctx.audit(AuditAction.read, "patient", patients[0])
        with session.begin_nested():  # kept: what it read was read
            ctx.audit(AuditAction.read, "patient", patients[1])
        assert event_count(app) == before  # nothing written at the savepoint
        ctx.audit(AuditAction.read, "patient", patients[2])
    assert event_count(app) == before + 1
    [event] = trail(clinic)
    assert [access["patient_id"] for access in event["accesses"]] == [str(p) for p in patients]


def test_a_session_closed_without_commit_leaves_no_event(app: FastAPI, clinic: Clinic) -> None:
    principal = Principal(uuid.uuid4(), clinic.organization_id, Role.staff, None)
    before = event_count(app)
    session = app.state.sessionmaker()
    Context(session, principal, "req-1", app.state.clock()).audit(
        AuditAction.read, "patient", uuid.uuid4()
    )
    session.close()
    session.commit()  # the same session, used again, has nothing of the closed transaction
    assert event_count(app) == before


def test_filters_select_events_with_one_access_matching_them_all(
    app: FastAPI, clinic: Clinic
) -> None:
    patient, other = uuid.uuid4(), uuid.uuid4()
    appointment = uuid.uuid4()
    principal = Principal(uuid.uuid4(), clinic.organization_id, Role.staff, None)
    with app.state.sessionmaker.begin() as session:
        ctx = Context(session, principal, "req-2", app.state.clock())
        ctx.audit(AuditAction.read, "patient", patient)
        ctx.audit(AuditAction.update, "appointment", appointment, patient_id=other)
    record_reads(app, clinic, patient, request_id="req-3")
    assert len(trail(clinic, resource_type="appointment")) == 1
    assert len(trail(clinic, resource_id=str(appointment), action="update")) == 1
    assert trail(clinic, resource_type="appointment", action="read") == []
    assert trail(clinic, patient_id=str(patient), resource_type="appointment") == []
    assert len(trail(clinic, patient_id=str(other), resource_type="appointment")) == 1
    assert len(trail(clinic, patient_id=str(patient))) == 2
    assert len(trail(clinic, api_key_id=str(principal.key_id))) == 1


def test_the_trail_is_for_admins_only(clinic: Clinic) -> None:
    assert clinic.staff.get("/v1/audit-events").status_code == 403
    assert clinic.staff.get("/v1/audit-events/verification").status_code == 403


def test_an_organization_never_sees_another_organizations_trail(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic
) -> None:
    record_reads(app, clinic, uuid.uuid4())
    assert other_clinic.admin.get("/v1/audit-events").json()["total"] == 0
    assert other_clinic.admin.get("/v1/audit-events/verification").json()["event_count"] == 0


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEvent).values(request_id="tampered"),
        delete(AuditEvent),
        update(AuditEventPatient).values(patient_id=uuid.uuid4()),
        delete(AuditEventPatient),
    ],
    ids=["update", "delete", "update-patient", "delete-patient"],
)
def test_the_database_refuses_to_edit_or_delete_audit_events(
    app: FastAPI, clinic: Clinic, statement: object
) -> None:
    record_reads(app, clinic, uuid.uuid4())
    with pytest.raises(DBAPIError, match="append-only"), app.state.sessionmaker.begin() as session:
        session.execute(statement)


# The hash chain


def verification(clinic: Clinic) -> dict[str, Any]:
    return json_object(clinic.admin.get("/v1/audit-events/verification"))


@pytest.fixture
def three_events(app: FastAPI, clinic: Clinic) -> list[dict[str, Any]]:
    for number in range(3):
        record_reads(app, clinic, uuid.uuid4(), request_id=f"req-{number}")
    return sorted(trail(clinic), key=lambda event: int(event["sequence"]))


@pytest.fixture
def as_owner(app: FastAPI) -> Iterator[Session]:
    """A session of the tables' owner with the append-only triggers off, as someone holding
    the owner's credentials could do; the test's rollback puts them back."""
    with app.state.sessionmaker.begin() as session:
        if session.get_bind().dialect.name == "postgresql":
            for table in ("audit_event", "audit_event_patient"):
                session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
        else:
            for table in ("audit_event", "audit_event_patient"):
                for action in ("update", "delete"):
                    session.execute(text(f"DROP TRIGGER {table}_no_{action}"))
        yield session


def test_an_untouched_chain_is_intact_with_its_count(
    clinic: Clinic, three_events: list[dict[str, Any]]
) -> None:
    assert [event["sequence"] for event in three_events] == [1, 2, 3]
    assert verification(clinic) == {"status": "intact", "event_count": 3, "broken_link": None}


def test_an_edited_event_breaks_the_chain_at_its_link(
    clinic: Clinic, three_events: list[dict[str, Any]], as_owner: Session
) -> None:
    second = three_events[1]
    as_owner.execute(
        update(AuditEvent).where(AuditEvent.id == uuid.UUID(second["id"])).values(accesses=[])
    )
    as_owner.commit()
    result = verification(clinic)
    assert result["status"] == "broken"
    assert result["broken_link"]["sequence"] == 2
    assert result["broken_link"]["event_id"] == second["id"]
    assert result["broken_link"]["reason"] == "hash"
    assert result["broken_link"]["found"] == second["hash"]


def test_a_deleted_event_breaks_the_chain_where_it_was(
    clinic: Clinic, three_events: list[dict[str, Any]], as_owner: Session
) -> None:
    second = uuid.UUID(three_events[1]["id"])
    as_owner.execute(delete(AuditEventPatient).where(AuditEventPatient.event_id == second))
    as_owner.execute(delete(AuditEvent).where(AuditEvent.id == second))
    as_owner.commit()
    broken = verification(clinic)["broken_link"]
    assert (broken["sequence"], broken["reason"]) == (2, "sequence")
    assert broken["event_id"] == three_events[2]["id"]


def test_removing_the_last_event_is_found_at_the_head(
    clinic: Clinic, three_events: list[dict[str, Any]], as_owner: Session
) -> None:
    last = uuid.UUID(three_events[2]["id"])
    as_owner.execute(delete(AuditEventPatient).where(AuditEventPatient.event_id == last))
    as_owner.execute(delete(AuditEvent).where(AuditEvent.id == last))
    as_owner.commit()
    result = verification(clinic)
    assert result["event_count"] == 2
    assert (result["broken_link"]["sequence"], result["broken_link"]["reason"]) == (3, "head")
