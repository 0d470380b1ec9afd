"""Alerts: raised when attendance is recorded and by the daily sweep, each exactly once."""

import uuid
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from fastapi import FastAPI

from app.context import Context
from app.flows import alerts as alert_flows
from app.security import Principal, Role
from tests.conftest import FixedClock
from tests.factories import Clinic

from .factories import on, planned_patient


def mark(clinic: Clinic, patient: Any, day: str, status: str) -> None:
    url = f"/v1/appointments/{on(clinic, patient, day)['id']}/attendance"
    assert clinic.staff.put(url, json={"status": status}).status_code == 200


def open_alerts(clinic: Clinic, **params: str) -> list[dict[str, Any]]:
    response = clinic.staff.get("/v1/alerts", params={"status": "open", "limit": "200"} | params)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def sweep(app: FastAPI, clinic: Clinic) -> int:
    principal = Principal(None, clinic.organization_id, Role.admin, None)
    with app.state.sessionmaker.begin() as session:
        return alert_flows.sweep(Context(session, principal, "sweep", app.state.clock()))


def test_recording_raises_absences_a_short_week_and_days_away_once_however_often_it_is_recorded(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    clock.now = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    marks = {"2026-03-02": "present", "2026-03-04": "no_show", "2026-03-05": "no_show"}
    for day, status in marks.items():
        mark(clinic, patient, day, status)
    mark(clinic, patient, "2026-03-09", "unexcused_absence")
    mark(clinic, patient, "2026-03-09", "unexcused_absence")
    mark(clinic, patient, "2026-03-04", "no_show")

    codes = Counter(a["code"] for a in open_alerts(clinic))

    assert codes == {
        "consecutive_absences": 1,
        "weekly_hours_below_minimum": 1,
        "weekly_days_below_minimum": 1,
        "days_without_attendance": 1,  # eight days since Monday the 2nd
    }
    [absences] = open_alerts(clinic, code="consecutive_absences")
    assert absences["admission_id"] == str(patient.admission_id)
    assert "3 unexcused absences in a row" in absences["message"]


def test_the_sweep_raises_every_authorization_alert_and_nothing_more_when_run_again(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    used_up, program = planned_patient(
        app,
        clinic,
        authorized_days=2,
        authorization_starts_on=date(2026, 3, 2),
        authorization_ends_on=date(2026, 3, 20),
        next_review_on=date(2026, 3, 16),
    )
    nearly, _ = planned_patient(
        app,
        clinic,
        program,
        authorized_days=6,
        authorization_starts_on=date(2026, 3, 2),
        authorization_ends_on=date(2026, 4, 30),
    )
    clock.now = datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
    for patient in (used_up, nearly):
        mark(clinic, patient, "2026-03-02", "present")
        mark(clinic, patient, "2026-03-04", "present")
    clock.now = datetime(2026, 3, 23, 14, 0, tzinfo=UTC)

    first, second = sweep(app, clinic), sweep(app, clinic)

    by_admission: dict[str, set[str]] = {}
    for alert in open_alerts(clinic):
        by_admission.setdefault(alert["admission_id"], set()).add(alert["code"])
    assert {
        "authorization_exhausted",
        "authorization_expired",
        "review_due",
        "days_without_attendance",
    } <= by_admission[str(used_up.admission_id)]
    assert "authorization_nearly_used" in by_admission[str(nearly.admission_id)]
    assert first > 0  # some were raised already as attendance was recorded
    assert second == 0
    assert len(open_alerts(clinic)) == sum(len(codes) for codes in by_admission.values())


def test_days_without_attendance_is_raised_again_at_each_threshold(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    clock.now = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    mark(clinic, patient, "2026-03-02", "present")

    raised = []
    for day in (8, 9, 11, 12, 15, 16):  # 7, 10 and 14 days after the 2nd are thresholds
        clock.now = datetime(2026, 3, day, 14, 0, tzinfo=UTC)
        sweep(app, clinic)
        raised.append(len(open_alerts(clinic, code="days_without_attendance")))

    assert raised == [0, 1, 1, 2, 2, 3]


def test_an_alert_is_acknowledged_then_resolved_with_who_and_when(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    patient, program = planned_patient(app, clinic)
    clock.now = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    for day in ("2026-03-02", "2026-03-04", "2026-03-05"):
        mark(clinic, patient, day, "no_show")
    [alert] = open_alerts(clinic, code="consecutive_absences", program_id=program["id"])

    acknowledged = clinic.clinician.post(f"/v1/alerts/{alert['id']}/acknowledge")
    clock.now = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
    resolved = clinic.staff.post(
        f"/v1/alerts/{alert['id']}/resolve", json={"note": "Called; back on Wednesday."}
    )
    again = clinic.staff.post(f"/v1/alerts/{alert['id']}/resolve", json={})

    assert acknowledged.json()["acknowledged_at"] == "2026-03-10T14:00:00Z"
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_at"] == "2026-03-10T16:00:00Z"
    assert resolved.json()["resolved_by_key_id"] != acknowledged.json()["acknowledged_by_key_id"]
    assert again.status_code == 409
    assert open_alerts(clinic, code="consecutive_absences") == []
    [listed] = open_alerts(clinic, status="resolved", code="consecutive_absences")
    # Same fields in the same order, nulls included: a client may compare them as text.
    assert list(listed.items()) == list(resolved.json().items())
    assert clinic.staff.post(f"/v1/alerts/{uuid.uuid4()}/acknowledge").status_code == 404


def test_alerts_filter_by_code_and_refuse_an_unknown_one(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic, clock: FixedClock
) -> None:
    patient, _ = planned_patient(app, clinic)
    clock.now = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    for day in ("2026-03-02", "2026-03-04", "2026-03-05"):
        mark(clinic, patient, day, "no_show")

    assert clinic.staff.get("/v1/alerts", params={"code": "asleep"}).status_code == 422
    assert open_alerts(clinic, code="review_due") == []
    assert open_alerts(other_clinic) == []
