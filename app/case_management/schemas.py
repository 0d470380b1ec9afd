"""Case-management tasks in and out."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from app.case_management.rules import CaseTaskStatus
from app.schemas import Date, Omittable, Schema


class CaseTaskCategory(StrEnum):
    """docs/domain.md §6: case managers help with insurance, legal and medical matters, and
    with what keeps recovery going (housing, employment)."""

    insurance = "insurance"
    legal = "legal"
    medical = "medical"
    housing = "housing"
    employment = "employment"
    other = "other"


class CaseTaskCreate(Schema):
    category: CaseTaskCategory = Field(examples=["insurance"])
    title: str = Field(
        min_length=1, max_length=200, examples=["Ask the payer to extend the authorization"]
    )
    details: str | None = Field(None, max_length=2000, examples=["Review is due on 16 March."])
    owner_staff_id: uuid.UUID = Field(description="The staff member of this organization on it.")
    due_on: Date | None = Field(None, examples=["2026-03-13"])
    status: CaseTaskStatus = Field(CaseTaskStatus.open, examples=["open"])


class CaseTaskUpdate(Schema):
    category: Omittable[CaseTaskCategory] = Field(None, examples=["legal"])
    title: Omittable[str] = Field(None, min_length=1, max_length=200)
    details: str | None = Field(None, max_length=2000, description="Null clears them.")
    owner_staff_id: Omittable[uuid.UUID] = None
    due_on: Date | None = Field(None, description="Null clears it.", examples=["2026-03-20"])
    status: Omittable[CaseTaskStatus] = Field(
        None, examples=["done"], description="Done and cancelled are final."
    )


class CaseTaskRead(Schema):
    id: uuid.UUID
    admission_id: uuid.UUID
    patient_id: uuid.UUID
    category: CaseTaskCategory
    title: str = Field(examples=["Request concurrent review"])
    details: str | None = Field(examples=["Review is due on 16 March."])
    owner_staff_id: uuid.UUID
    due_on: date | None
    status: CaseTaskStatus
    created_at: datetime
    created_by_key_id: uuid.UUID | None
    closed_at: datetime | None = Field(description="When it was done or cancelled.")
    closed_by_key_id: uuid.UUID | None
    version: int
