"""A patient's insurance coverages (FHIR Coverage) and the benefits the estimates use."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped, SoftDeletable


class Coverage(OrganizationScoped, SoftDeletable):
    __tablename__ = "coverage"

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"), index=True)
    payer_type: Mapped[str] = mapped_column(String(20))
    payer_id: Mapped[str | None] = mapped_column(String(80))
    payer_name: Mapped[str | None] = mapped_column(String(200))
    member_id: Mapped[str | None] = mapped_column(String(80))
    group_number: Mapped[str | None] = mapped_column(String(80))
    plan_starts_on: Mapped[date | None]
    plan_ends_on: Mapped[date | None]  # inclusive
    network_status: Mapped[str] = mapped_column(String(20))
    requires_prior_authorization: Mapped[bool] = mapped_column(default=False)
    # {"deductible": {"total": "1500.00", "met": "200.00", "source": "entered",
    #  "recorded_on": "2026-03-02"}, "coinsurance": {"rate": "0.2", …}, …}
    benefits: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
