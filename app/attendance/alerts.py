"""Alerts: what the compliance rules found, raised once per occurrence, then acknowledged and
resolved by someone. The clinic's daily worklist."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select

from app.admissions.models import Admission
from app.attendance.models import Alert
from app.attendance.rules import Reason
from app.attendance.schemas import AlertRead, AlertResolution
from app.attendance.summary import standings_of
from app.context import AuditAction, Context
from app.db import in_chunks, new_id
from app.errors import InvalidTransition
from app.events.types import DomainEvent, EventType
from app.pagination import PageParams, fetch_page
from app.vocabulary import AlertCode, AlertStatus

_ALERT_CODES = frozenset(code.value for code in AlertCode)


def raise_alerts(ctx: Context, admissions: Sequence[Admission]) -> list[uuid.UUID]:
    """Raise the alerts each admission's summary calls for today and were never raised
    before; returns the new alerts' ids. Safe to call any number of times."""
    standings = standings_of(ctx, admissions)
    return raise_reasons(ctx, [(a, standings[a.id].summary.reasons) for a in admissions])


def raise_reasons(
    ctx: Context, found: Sequence[tuple[Admission, Sequence[Reason]]]
) -> list[uuid.UUID]:
    """Raise an alert for each of these admissions' reasons whose occurrence was never
    raised before."""
    wanted: dict[str, tuple[Admission, AlertCode, str]] = {}
    for admission, reasons in found:
        for reason in reasons:
            if reason.code.value not in _ALERT_CODES:
                continue  # a reason that is no alert (the plan completed)
            key = f"{reason.code.value}:{admission.id}:{reason.occurrence}"
            wanted[key] = (admission, AlertCode(reason.code.value), reason.message)
    raised: set[str] = set()
    for part in in_chunks(list(wanted)):
        raised.update(
            ctx.session.scalars(
                select(Alert.dedupe_key).where(*ctx.scope(Alert), Alert.dedupe_key.in_(part))
            )
        )
    rows: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "organization_id": ctx.organization_id,
            "program_id": admission.program_id,
            "admission_id": admission.id,
            "patient_id": admission.patient_id,
            "code": code.value,
            "dedupe_key": key,
            "message": message[:500],
            "status": AlertStatus.open.value,
            "raised_at": ctx.now,
            "created_at": ctx.now,
            "updated_at": ctx.now,
            "version": 1,
        }
        for key, (admission, code, message) in wanted.items()
        if key not in raised
    ]
    if rows:
        ctx.session.execute(insert(Alert), rows)
    ctx.emit(
        *(
            DomainEvent(
                EventType.alert_raised,
                {"alert_id": row["id"], "admission_id": row["admission_id"]},
                row["patient_id"],
            )
            for row in rows
        )
    )
    ctx.audit_each(AuditAction.create, "alert", [(row["id"], row["patient_id"]) for row in rows])
    return [row["id"] for row in rows]


def list_alerts(
    ctx: Context,
    page: PageParams,
    status: AlertStatus | None,
    program_id: uuid.UUID | None,
    code: AlertCode | None,
) -> tuple[list[AlertRead], int]:
    statement = ctx.select_rows(Alert)
    if status is not None:
        statement = statement.where(Alert.status == status)
    if program_id is not None:
        statement = statement.where(Alert.program_id == program_id)
    if code is not None:
        statement = statement.where(Alert.code == code)
    alerts, total = fetch_page(ctx.session, statement.order_by(Alert.raised_at, Alert.id), page)
    ctx.audit_each(AuditAction.list, "alert", [(a["id"], a["patient_id"]) for a in alerts])
    return [AlertRead.from_record(alert) for alert in alerts], total


def acknowledge(ctx: Context, alert_id: uuid.UUID) -> AlertRead:
    alert = ctx.get(Alert, alert_id, for_update=True)
    if alert.status != AlertStatus.open:
        raise InvalidTransition(f"The alert is {alert.status}; only an open one is acknowledged.")
    alert.status = AlertStatus.acknowledged
    alert.acknowledged_at, alert.acknowledged_by_key_id = ctx.now, ctx.principal.key_id
    return _changed(ctx, alert)


def resolve(ctx: Context, alert_id: uuid.UUID, body: AlertResolution) -> AlertRead:
    alert = ctx.get(Alert, alert_id, for_update=True)
    if alert.status == AlertStatus.resolved:
        raise InvalidTransition("The alert is already resolved.")
    alert.status = AlertStatus.resolved
    alert.resolved_at, alert.resolved_by_key_id = ctx.now, ctx.principal.key_id
    alert.resolution_note = body.note
    return _changed(ctx, alert)


def _changed(ctx: Context, alert: Alert) -> AlertRead:
    ctx.session.flush()
    ctx.audit(AuditAction.transition, "alert", alert.id, patient_id=alert.patient_id)
    return AlertRead.model_validate(alert)
