"""Verification requests and the per-organization X12 control numbers."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped, UtcDateTime


class InsuranceVerification(OrganizationScoped):
    __tablename__ = "insurance_verification"

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"), index=True)
    coverage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("coverage.id"), index=True)
    # The coverage's payer when the request was made: the one payer key that may see it.
    payer_id: Mapped[str] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(20))
    service_types: Mapped[list[str]] = mapped_column(JSON)
    service_starts_on: Mapped[date]
    service_ends_on: Mapped[date | None]
    provider_npi: Mapped[str | None] = mapped_column(String(10))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(timezone=True))
    verified_on: Mapped[date | None]
    # The benefits the payer reported, as stored on the coverage (without provenance).
    benefits: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    answered_as: Mapped[str | None] = mapped_column(String(10))  # "json" or "x12"


class X12ControlNumber(OrganizationScoped):
    """The last interchange control number an organization used (ISA13, GS06, ST02)."""

    __tablename__ = "x12_control_number"
    __table_args__ = (UniqueConstraint("organization_id", name="uq_x12_control_number_org"),)

    last_number: Mapped[int] = mapped_column(default=0)
