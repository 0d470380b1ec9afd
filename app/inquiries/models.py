"""Insurance inquiries from the clinic website's "check your insurance" form."""

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped, UtcDateTime


class InsuranceInquiry(OrganizationScoped):
    """A prospective patient asking whether their insurance is accepted. Personal data kept
    only for the organization's retention period (`Organization.inquiry_retention_days`),
    then deleted by the daily sweep; converting it copies what care needs to a patient."""

    __tablename__ = "insurance_inquiry"

    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date]
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    payer_name: Mapped[str] = mapped_column(String(200))
    member_id: Mapped[str] = mapped_column(String(80))
    consents_to_contact: Mapped[bool]
    status: Mapped[str] = mapped_column(String(20), index=True)  # `schemas.InquiryStatus`
    assigned_to_staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_member.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime(timezone=True))
    patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patient.id"))
    converted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(timezone=True))
    close_reason: Mapped[str | None] = mapped_column(String(20))  # `schemas.CloseReason`
    close_note: Mapped[str | None] = mapped_column(String(500))
