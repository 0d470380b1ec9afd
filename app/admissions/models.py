"""Admissions to a program, their state transitions and their (re-)assessments."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped, OrganizationTally

_OPEN_SQL = "status IN ('pending', 'approved', 'active', 'on_hold')"


class Admission(OrganizationScoped):
    __tablename__ = "admission"
    __table_args__ = (
        # One open admission per patient per program, enforced by the database itself.
        Index(
            "uq_admission_open_per_patient_program",
            "patient_id",
            "program_id",
            unique=True,
            postgresql_where=text(_OPEN_SQL),
            sqlite_where=text(_OPEN_SQL),
        ),
        # The list's order, newest first, read backwards: a page without sorting every row.
        Index("ix_admission_organization_id_created_at", "organization_id", "created_at", "id"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"), index=True)
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("program.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    settings_version: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(20))
    recommended_level: Mapped[str | None] = mapped_column(String(4))
    is_adolescent: Mapped[bool] = mapped_column(default=False)
    is_step_down: Mapped[bool] = mapped_column(default=False)
    # 42 CFR Part 2: the patient received the notice of confidentiality at admission.
    part2_notice_given_on: Mapped[date | None]
    authorized_days: Mapped[int | None]
    authorization_starts_on: Mapped[date | None]
    authorization_ends_on: Mapped[date | None]
    next_review_on: Mapped[date | None]
    # The licensed staff member whose clinician key approved the admission (docs/domain.md §3.5).
    approved_by_staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_member.id"))
    started_on: Mapped[date | None]
    discharge_type: Mapped[str | None] = mapped_column(String(20))
    discharged_on: Mapped[date | None]
    discharge_reason: Mapped[str | None] = mapped_column(String(1000))


class AdmissionTally(OrganizationTally):
    """How many admissions an organization has in each program and status: the total of its
    admissions list, filtered by program or status or not, is a sum over a few rows. Kept by
    triggers on `admission` (migration 0022)."""

    __tablename__ = "admission_tally"

    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("program.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    admissions: Mapped[int] = mapped_column(default=0)


class AdmissionTransition(OrganizationScoped):
    """Who moved an admission from which state to which, when and why. Never edited."""

    __tablename__ = "admission_transition"

    admission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("admission.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime]
    by_key_id: Mapped[uuid.UUID | None]
    reason: Mapped[str | None] = mapped_column(String(1000))


class AdmissionAssessment(OrganizationScoped):
    """The admission assessment and every re-assessment during treatment, with its decision."""

    __tablename__ = "admission_assessment"

    admission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("admission.id", ondelete="CASCADE"), index=True
    )
    assessed_on: Mapped[date]
    asam_edition: Mapped[int | None]
    assessment: Mapped[dict[str, Any]] = mapped_column(JSON)
    decision: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(20))
    recommended_level: Mapped[str | None] = mapped_column(String(4))
    by_key_id: Mapped[uuid.UUID | None]


class PriorAuthorization(OrganizationScoped):
    """A payer's prior-authorization decision on an admission, or a concurrent review that
    extends it (docs/domain.md §3 item 5, §6). Never edited: a later decision is a new row,
    and the latest approved one is the authorization in force."""

    __tablename__ = "prior_authorization"

    admission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("admission.id", ondelete="CASCADE"), index=True
    )
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"), index=True)
    payer_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # "initial" or "concurrent_review"
    decision: Mapped[str] = mapped_column(String(20))  # "approved" or "denied"
    reference_number: Mapped[str] = mapped_column(String(50))
    decided_on: Mapped[date]
    # An approval's terms; the totals in force after a concurrent review, not the increment.
    authorized_days: Mapped[int | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    next_review_on: Mapped[date | None]
    denial_reason: Mapped[str | None] = mapped_column(String(500))
    # The approved authorization a concurrent review extends (or declines to extend).
    extends_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("prior_authorization.id"))
    recorded_by_key_id: Mapped[uuid.UUID | None]
