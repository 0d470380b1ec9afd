"""Treatment plans (weekly sessions, revised by superseding) and their dated appointments."""

import uuid
from datetime import date, datetime, time

from sqlalchemy import ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped

_CURRENT_SQL = "status = 'current'"


class TreatmentPlan(OrganizationScoped):
    """One version of an admission's weekly plan. A change makes a new version and marks this
    one superseded, so what was planned when stays readable."""

    __tablename__ = "treatment_plan"
    __table_args__ = (
        # One current plan per admission, held by the database under concurrent saves too.
        Index(
            "uq_treatment_plan_current_per_admission",
            "admission_id",
            unique=True,
            postgresql_where=text(_CURRENT_SQL),
            sqlite_where=text(_CURRENT_SQL),
        ),
        # Other current plans whose dates overlap: the staff, rooms and patients they hold.
        Index("ix_treatment_plan_organization_id_status", "organization_id", "status"),
    )

    admission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("admission.id"), index=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"), index=True)
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("program.id"))
    previous_plan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("treatment_plan.id"))
    # The program settings version the plan was checked against; it keeps it (docs/domain.md §2).
    settings_version: Mapped[int]
    start_date: Mapped[date]
    end_date: Mapped[date]  # inclusive
    move_skipped_days: Mapped[bool] = mapped_column(default=False)
    # Book appointments beyond the admission's authorization (after a concurrent review);
    # kept, so a later change of the plan (a group enrollment) keeps booking them.
    book_beyond_authorization: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(20))  # current, superseded, ended
    superseded_at: Mapped[datetime | None]


class TreatmentPlanSession(OrganizationScoped):
    """A weekly session of one plan version; never edited (a change is a new plan version)."""

    __tablename__ = "treatment_plan_session"

    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("treatment_plan.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    weekday: Mapped[str] = mapped_column(String(10))
    start_time: Mapped[time]
    duration_minutes: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    modality: Mapped[str] = mapped_column(String(20))
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("therapy_group.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_member.id"))
    room_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("room.id"))
    therapy: Mapped[str | None] = mapped_column(String(60))


class Appointment(OrganizationScoped):
    """A dated session of a patient, materialized from a plan session."""

    __tablename__ = "appointment"
    __table_args__ = (
        Index("ix_appointment_organization_id_local_date", "organization_id", "local_date"),
        Index("ix_appointment_patient_id_starts_at", "patient_id", "starts_at"),
        # A patient's dates (a month of their appointments): without it the organization's
        # appointments of those dates were read, every patient's.
        Index("ix_appointment_patient_id_local_date", "patient_id", "local_date"),
        Index("ix_appointment_admission_id_starts_at", "admission_id", "starts_at"),
        # An admission's future planned sessions (a new plan replacing them): without it the
        # planner read the organization's appointments, every other plan's.
        Index("ix_appointment_admission_id_planned_starts_at", "admission_id", "planned_starts_at"),
        Index("ix_appointment_staff_id_starts_at", "staff_id", "starts_at"),
        Index("ix_appointment_room_id_starts_at", "room_id", "starts_at"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"))
    admission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("admission.id"))
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("program.id"))
    plan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("treatment_plan.id"))
    plan_session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("treatment_plan_session.id")
    )
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("therapy_group.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_member.id"))
    room_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("room.id"))
    kind: Mapped[str] = mapped_column(String(20))
    modality: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    local_date: Mapped[date]  # in the program's time zone: the day sheet's date
    # When the plan put it, before any reschedule: with its plan session, the identity of the
    # occurrence, so a plan change keeps what it does not change (and a cancellation stands).
    planned_starts_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))  # booked, cancelled, fulfilled, noshow
    cancel_reason: Mapped[str | None] = mapped_column(String(20))  # patient, clinic
    cancel_note: Mapped[str | None] = mapped_column(String(500))
    cancelled_at: Mapped[datetime | None]
    is_rescheduled: Mapped[bool] = mapped_column(default=False)
    # The calendar event's SEQUENCE (RFC 5545): raised only when what a feed shows changes (its
    # time, place or status), not by every update of the row (`version`).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")

    def revise(self) -> None:
        """What calendar feeds show of it changed."""
        self.sequence += 1
