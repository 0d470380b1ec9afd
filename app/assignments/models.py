"""Home assignments: the exercises, readings and videos a patient works on between sessions."""

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped


class HomeAssignment(OrganizationScoped):
    __tablename__ = "home_assignment"
    __table_args__ = (Index("ix_home_assignment_admission_id_status", "admission_id", "status"),)

    admission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("admission.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"))
    kind: Mapped[str] = mapped_column(String(20))  # exercise, reading, video
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str | None] = mapped_column(String(2000))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20))  # assigned, completed
    assigned_by_key_id: Mapped[uuid.UUID | None]
    completed_at: Mapped[datetime | None]
    completed_by_key_id: Mapped[uuid.UUID | None]
    completion_note: Mapped[str | None] = mapped_column(String(1000))
