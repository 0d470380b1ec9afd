"""Verification requests: what staff ask, what the partner sees, what the partner answers."""

import uuid
from datetime import date, datetime
from typing import Literal, Self

from pydantic import Field, model_validator

from app.coverages.schemas import Benefits
from app.schemas import Date, Schema

VerificationStatus = Literal["pending", "in_progress", "completed", "failed", "cancelled"]
# X12 service type codes (EB03/EQ01) for IOP: mental health, substance abuse, psychiatric
# outpatient, and the psychiatric/alcoholism/drug-addiction outpatient codes (domain.md §6).
ServiceType = Literal["30", "MH", "AI", "A8", "CF", "CH", "CJ", "AJ", "AK"]
DEFAULT_SERVICE_TYPES: list[ServiceType] = ["MH", "AI", "A8"]


class _ServicePeriod(Schema):
    @model_validator(mode="after")
    def _period_in_order(self) -> Self:
        starts = getattr(self, "service_starts_on", None)
        ends = getattr(self, "service_ends_on", None)
        if starts is not None and ends is not None and ends < starts:
            raise ValueError("service_ends_on cannot be before service_starts_on")
        return self


class VerificationCreate(_ServicePeriod):
    patient_id: uuid.UUID
    coverage_id: uuid.UUID = Field(description="A coverage of the patient that names a payer_id.")
    service_types: list[ServiceType] = Field(
        default_factory=lambda: list(DEFAULT_SERVICE_TYPES),
        min_length=1,
        max_length=9,
        description="X12 service type codes to ask about.",
    )
    service_starts_on: Date | None = Field(
        None, examples=["2026-03-09"], description="First date of service; today when left out."
    )
    service_ends_on: Date | None = Field(None, examples=["2026-06-05"])
    provider_npi: str | None = Field(
        None,
        pattern=r"^\d{10}$",
        examples=["1234567893"],
        description="The provider the 270 inquiry names (NM1*1P).",
    )

    @model_validator(mode="after")
    def _distinct_service_types(self) -> Self:
        if len(set(self.service_types)) != len(self.service_types):
            raise ValueError("service_types repeats a code")
        return self


class VerificationRead(Schema):
    """A verification request as clinic staff see it."""

    id: uuid.UUID
    patient_id: uuid.UUID
    coverage_id: uuid.UUID
    payer_id: str = Field(examples=["60054"])
    status: VerificationStatus
    service_types: list[ServiceType]
    service_starts_on: date
    service_ends_on: date | None
    provider_npi: str | None = Field(examples=["1234567893"])
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    verified_on: date | None
    benefits: Benefits | None
    failure_reason: str | None = Field(examples=[None])
    answered_as: Literal["json", "x12"] | None
    version: int


class PartnerPatient(Schema):
    given_name: str = Field(examples=["Alex"])
    family_name: str = Field(examples=["Rivera"])
    date_of_birth: date = Field(examples=["1988-07-14"])


class PartnerVerificationRead(Schema):
    """Only what a verification partner needs (HIPAA minimum necessary): who the member is,
    their plan numbers, what is asked about and when. No clinical data, no internal ids of
    the patient or the coverage."""

    id: uuid.UUID
    status: VerificationStatus
    payer_id: str = Field(examples=["60054"])
    patient: PartnerPatient
    member_id: str | None = Field(examples=["BHP123456789"])
    group_number: str | None = Field(examples=["GRP-4471"])
    service_types: list[ServiceType]
    service_starts_on: date
    service_ends_on: date | None
    requested_at: datetime
    admission_id: uuid.UUID | None = Field(
        description="The patient's open admission, on which the payer records its prior"
        " authorization (`POST /v1/admissions/{admission_id}/authorizations`); null when none."
    )


class VerificationResult(Schema):
    """The partner's answer: the benefits it verified, or why it could not verify them.
    Benefits left out keep the figures staff entered."""

    status: Literal["completed", "failed"] = Field(examples=["completed"])
    benefits: Benefits | None = None
    verified_on: Date | None = Field(
        None, description="When the payer verified the figures; today when left out."
    )
    failure_reason: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _benefits_or_reason(self) -> Self:
        if self.status == "completed" and self.benefits is None:
            raise ValueError("a completed verification gives benefits")
        if self.status == "failed" and not self.failure_reason:
            raise ValueError("a failed verification gives a failure_reason")
        if self.status == "failed" and self.benefits is not None:
            raise ValueError("a failed verification gives no benefits")
        return self
