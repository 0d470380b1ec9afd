"""Tracks, admitted patients and weekly plans for the scheduling API tests."""

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from tests.factories import WEEKDAYS, Clinic, make_admission, make_patient, make_program

EVENING = {day: {"opens": "17:00", "closes": "21:00"} for day in WEEKDAYS}
DAY = {day: {"opens": "09:00", "closes": "13:00"} for day in WEEKDAYS}


def make_track(clinic: Clinic, track: str = "evening", **overrides: Any) -> dict[str, Any]:
    """A program open Monday to Friday: 17:00–21:00 for the evening track, 09:00–13:00 by day."""
    hours = EVENING if track == "evening" else DAY
    name = f"Adult IOP – {track.title()}"
    return make_program(clinic, name=name, track=track, operating_hours=hours, **overrides)


@dataclass
class Admitted:
    patient_id: uuid.UUID
    admission_id: uuid.UUID


def admit(app: FastAPI, clinic: Clinic, program: dict[str, Any], **admission: Any) -> Admitted:
    patient_id = make_patient(app, clinic, given_name=f"P{uuid.uuid4().hex[:6]}")
    admission_id = make_admission(
        app, clinic, patient_id=patient_id, program_id=program["id"], **admission
    )
    return Admitted(patient_id, admission_id)


def session(
    weekday: str = "monday",
    start: str = "18:00",
    minutes: int = 180,
    kind: str = "group",
    **fields: Any,
) -> dict[str, Any]:
    return {
        "weekday": weekday,
        "start_time": start,
        "duration_minutes": minutes,
        "kind": kind,
    } | fields


def plan_body(
    *days: str,
    start: str = "18:00",
    minutes: int = 180,
    start_date: str = "2026-03-02",
    **terms: Any,
) -> dict[str, Any]:
    """Three weekly sessions of three hours (9 h, the adult minimum) unless told otherwise;
    `staff_id`, `room_id`, `kind`… in `terms` go to every session."""
    plan_fields = {"weeks", "end_date", "move_skipped_days"}
    session_fields = {k: v for k, v in terms.items() if k not in plan_fields}
    sessions = [
        session(day, start, minutes, **session_fields)
        for day in (days or ("monday", "wednesday", "thursday"))
    ]
    plan = {k: v for k, v in terms.items() if k in plan_fields}
    return {"start_date": start_date, "sessions": sessions} | plan
