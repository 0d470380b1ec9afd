"""Case-management tasks: what case managers do for a patient beside therapy (insurance, legal,
medical, housing, employment), each with an owner and a due date."""

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped


class CaseTask(OrganizationScoped):
    __tablename__ = "case_task"
    __table_args__ = (Index("ix_case_task_admission_id_status", "admission_id", "status"),)

    admission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("admission.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"))
    category: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str | None] = mapped_column(String(2000))
    owner_staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_member.id"), index=True)
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20))  # open, in_progress, done, cancelled
    created_by_key_id: Mapped[uuid.UUID | None]
    closed_at: Mapped[datetime | None]  # done or cancelled
    closed_by_key_id: Mapped[uuid.UUID | None]
