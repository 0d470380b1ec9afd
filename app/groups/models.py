"""Therapy groups and their members, enrolled or waitlisted."""

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped

_OPEN_MEMBERSHIP_SQL = "status IN ('enrolled', 'waitlisted')"


class TherapyGroup(OrganizationScoped):
    __tablename__ = "therapy_group"

    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("program.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(60))
    # Which complementary therapy (music, art, equine…) a complementary group offers: its
    # facilitator must be trained in it (§4).
    therapy: Mapped[str | None] = mapped_column(String(60))
    specialization: Mapped[str | None] = mapped_column(String(60), index=True)
    facilitator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_member.id"))
    room_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("room.id"))
    modality: Mapped[str] = mapped_column(String(20), default="in_person")
    weekdays: Mapped[list[str]] = mapped_column(JSON)
    start_time: Mapped[time]
    duration_minutes: Mapped[int]
    track: Mapped[str] = mapped_column(String(16))
    admission_type: Mapped[str] = mapped_column(String(10))  # open (rolling) or closed (cohort)
    # A closed group's first meeting day: it takes no new member after it.
    cohort_starts_on: Mapped[date | None]
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    min_size: Mapped[int]
    max_size: Mapped[int]
    closed_at: Mapped[datetime | None]


class GroupMembership(OrganizationScoped):
    __tablename__ = "group_membership"
    __table_args__ = (
        Index(
            "uq_group_membership_open",
            "group_id",
            "patient_id",
            unique=True,
            postgresql_where=text(_OPEN_MEMBERSHIP_SQL),
            sqlite_where=text(_OPEN_MEMBERSHIP_SQL),
        ),
        Index("ix_group_membership_group_id_status", "group_id", "status"),
    )

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("therapy_group.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"), index=True)
    admission_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("admission.id"))
    status: Mapped[str] = mapped_column(String(20))  # enrolled, waitlisted, left, removed
    requested_at: Mapped[datetime]
    enrolled_at: Mapped[datetime | None]
    promoted_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(500))
