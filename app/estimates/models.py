"""Saved cost estimates and issued Good Faith Estimates: what a patient was told, and when."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped


class CostEstimate(OrganizationScoped):
    """Never edited: the answer as given, with the inputs and coverage terms it was made from."""

    __tablename__ = "cost_estimate"

    patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patient.id"), index=True)
    program_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("program.id"))
    admission_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("admission.id"))
    coverage_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("coverage.id"))
    estimated_on: Mapped[date]
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)


class GoodFaithEstimate(OrganizationScoped):
    """Never edited: a new estimate is issued instead (45 CFR 149.610 asks for a new one when
    the expected items or charges change)."""

    __tablename__ = "good_faith_estimate"

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"), index=True)
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("program.id"))
    admission_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("admission.id"))
    scheduled_on: Mapped[date | None]
    requested_on: Mapped[date | None]
    due_on: Mapped[date | None]
    issued_at: Mapped[datetime]
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
