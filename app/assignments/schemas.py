"""Home assignments in and out."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from app.schemas import Date, Omittable, Schema


class AssignmentKind(StrEnum):
    """docs/domain.md §4: between sessions patients do exercises, readings and videos."""

    exercise = "exercise"
    reading = "reading"
    video = "video"


class AssignmentStatus(StrEnum):
    assigned = "assigned"
    completed = "completed"


class AssignmentCreate(Schema):
    kind: AssignmentKind = Field(examples=["exercise"])
    title: str = Field(min_length=1, max_length=200, examples=["Trigger log for one week"])
    instructions: str | None = Field(
        None, max_length=2000, examples=["Write down each craving, where you were and what helped."]
    )
    due_on: Date = Field(examples=["2026-03-09"])


class AssignmentUpdate(Schema):
    kind: Omittable[AssignmentKind] = Field(None, examples=["reading"])
    title: Omittable[str] = Field(None, min_length=1, max_length=200)
    instructions: str | None = Field(None, max_length=2000, description="Null clears them.")
    due_on: Omittable[Date] = Field(None, examples=["2026-03-11"])


class AssignmentCompletion(Schema):
    note: str | None = Field(None, max_length=1000, examples=["Reviewed in group on Monday."])


class AssignmentRead(Schema):
    id: uuid.UUID
    admission_id: uuid.UUID
    patient_id: uuid.UUID
    kind: AssignmentKind
    title: str = Field(examples=["Trigger log for one week"])
    instructions: str | None = Field(examples=["Note each craving: time, place, trigger."])
    due_on: date
    status: AssignmentStatus
    assigned_by_key_id: uuid.UUID | None
    created_at: datetime
    completed_at: datetime | None = Field(description="When it was marked complete.")
    completed_by_key_id: uuid.UUID | None = Field(description="Who marked it complete.")
    completion_note: str | None = Field(examples=[None])
    version: int
