"""Attendance of each session, the history of its corrections, and the clinic's alerts."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped


class AttendanceRecord(OrganizationScoped):
    """The current attendance mark of one appointment; a correction moves the mark it replaces
    to `AttendanceRevision` and updates this row."""

    __tablename__ = "attendance_record"
    __table_args__ = (
        UniqueConstraint("appointment_id"),
        # The summary reads one admission's records by date, whatever the table's size.
        Index("ix_attendance_record_admission_id_local_date", "admission_id", "local_date"),
    )

    appointment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appointment.id"))
    admission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("admission.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"))
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("program.id"))
    local_date: Mapped[date]  # the session's date in the program's time zone
    status: Mapped[str] = mapped_column(String(20))
    minutes_attended: Mapped[int]
    scheduled_minutes: Mapped[int]
    # Attended on a day the authorization does not cover: recorded, never billed by accident.
    is_beyond_authorization: Mapped[bool] = mapped_column(default=False, server_default=false())
    recorded_at: Mapped[datetime]
    recorded_by_key_id: Mapped[uuid.UUID | None]


class AttendanceRevision(OrganizationScoped):
    """A mark that a correction replaced: what it said, who recorded it and who replaced it."""

    __tablename__ = "attendance_revision"

    attendance_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("attendance_record.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    minutes_attended: Mapped[int]
    recorded_at: Mapped[datetime]
    recorded_by_key_id: Mapped[uuid.UUID | None]
    replaced_at: Mapped[datetime]
    replaced_by_key_id: Mapped[uuid.UUID | None]


class Alert(OrganizationScoped):
    """Something the clinic should look at today: raised once per `dedupe_key`, then
    acknowledged and resolved by someone."""

    __tablename__ = "alert"
    __table_args__ = (
        # Never the same alert twice, however often the sweep runs.
        UniqueConstraint("organization_id", "dedupe_key"),
        # The worklist (`?status=open`) in its order: a page without sorting every alert.
        Index(
            "ix_alert_organization_id_status_raised_at",
            "organization_id",
            "status",
            "raised_at",
            "id",
        ),
    )

    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("program.id"))
    admission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("admission.id"), index=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"))
    code: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))  # open, acknowledged, resolved
    raised_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_key_id: Mapped[uuid.UUID | None]
    resolved_at: Mapped[datetime | None]
    resolved_by_key_id: Mapped[uuid.UUID | None]
    resolution_note: Mapped[str | None] = mapped_column(String(1000))


class DrugScreen(OrganizationScoped):
    """A drug screen collected during treatment and who recorded it (docs/domain.md §5)."""

    __tablename__ = "drug_screen"
    __table_args__ = (
        # The summary reads an admission's latest screen; the list reads them by date.
        Index("ix_drug_screen_admission_id_collected_on", "admission_id", "collected_on"),
    )

    admission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("admission.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"))
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("program.id"))
    collected_on: Mapped[date]
    result: Mapped[str] = mapped_column(String(20))  # negative, positive, inconclusive
    substances: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(String(1000))
    # The program's action when it was recorded: the settings may change later.
    action: Mapped[str | None] = mapped_column(String(30))
    recorded_at: Mapped[datetime]
    recorded_by_key_id: Mapped[uuid.UUID | None]
