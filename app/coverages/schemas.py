"""Coverages: the payer, the plan period and the benefits, each benefit with its source."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from app.schemas import Date, Money, Schema

PayerType = Literal["commercial", "medicare", "medicaid", "self_pay", "other"]
NetworkStatus = Literal["in_network", "out_of_network", "unknown"]
# `entered` by staff; `verified` by the payer (an eligibility response, §6 of the domain
# reference), which a later release records.
BenefitSource = Literal["entered", "verified"]
Amount = Annotated[Money, Field(ge=0, examples=["1500.00"])]
Rate = Annotated[
    Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4, examples=["0.20"])
]  # fmt: skip


class Limit(Schema):
    """A yearly amount and how much of it the patient has met this benefit year."""

    total: Amount
    met: Amount = Field(Decimal("0.00"), examples=["200.00"])

    @model_validator(mode="after")
    def _met_within_total(self) -> Self:
        if self.met > self.total:
            raise ValueError("met cannot exceed total")
        return self


class Coinsurance(Schema):
    rate: Rate = Field(description="The patient's share of each charge after the deductible.")


class Copay(Schema):
    amount: Amount = Field(description="What the patient pays per treatment day.")


class Benefits(Schema):
    """What the plan makes the patient pay. A plan charges coinsurance or a daily copay after
    the deductible, not both."""

    deductible: Limit | None = None
    coinsurance: Coinsurance | None = None
    copay_per_day: Copay | None = None
    out_of_pocket_max: Limit | None = None

    @model_validator(mode="after")
    def _one_way_of_sharing(self) -> Self:
        if self.coinsurance is not None and self.copay_per_day is not None:
            raise ValueError("give coinsurance or copay_per_day, not both")
        return self


class Provenance(Schema):
    source: BenefitSource = Field(examples=["entered"])
    recorded_on: date = Field(description="When the figures were entered or verified.")


class LimitRead(Limit, Provenance):
    pass


class CoinsuranceRead(Coinsurance, Provenance):
    pass


class CopayRead(Copay, Provenance):
    pass


class BenefitsRead(Schema):
    deductible: LimitRead | None = None
    coinsurance: CoinsuranceRead | None = None
    copay_per_day: CopayRead | None = None
    out_of_pocket_max: LimitRead | None = None


class _PlanPeriod(Schema):
    @model_validator(mode="after")
    def _period_in_order(self) -> Self:
        starts, ends = getattr(self, "plan_starts_on", None), getattr(self, "plan_ends_on", None)
        if starts is not None and ends is not None and ends < starts:
            raise ValueError("plan_ends_on cannot be before plan_starts_on")
        return self


class CoverageTerms(_PlanPeriod):
    """A coverage as an estimate needs it: stored for a patient, or sent inline."""

    payer_type: PayerType = Field(examples=["commercial"])
    payer_id: str | None = Field(None, max_length=80, examples=["60054"])
    payer_name: str | None = Field(None, max_length=200, examples=["Blue Harbor Health Plan"])
    member_id: str | None = Field(None, max_length=80, examples=["BHP123456789"])
    group_number: str | None = Field(None, max_length=80, examples=["GRP-0042"])
    plan_starts_on: Date | None = Field(
        None,
        examples=["2026-01-01"],
        description="Start of the plan period; each anniversary starts a new benefit year.",
    )
    plan_ends_on: Date | None = Field(None, examples=["2026-12-31"])
    network_status: NetworkStatus = "unknown"
    requires_prior_authorization: bool = False
    benefits: Benefits = Field(default_factory=Benefits)


class CoverageCreate(CoverageTerms):
    pass


class CoverageUpdate(_PlanPeriod):
    payer_type: PayerType | None = None
    payer_id: str | None = Field(None, max_length=80)
    payer_name: str | None = Field(None, max_length=200)
    member_id: str | None = Field(None, max_length=80)
    group_number: str | None = Field(None, max_length=80)
    plan_starts_on: Date | None = None
    plan_ends_on: Date | None = None
    network_status: NetworkStatus | None = None
    requires_prior_authorization: bool | None = None
    benefits: Benefits | None = Field(
        None, description="Replaces the benefits; those whose figures change are re-dated."
    )


class CoverageRead(Schema):
    id: uuid.UUID
    patient_id: uuid.UUID
    payer_type: PayerType
    payer_id: str | None = Field(examples=["60054"])
    payer_name: str | None = Field(examples=["Blue Harbor Health Plan"])
    member_id: str | None = Field(examples=["BHP123456789"])
    group_number: str | None = Field(examples=["GRP-4471"])
    plan_starts_on: date | None
    plan_ends_on: date | None
    network_status: NetworkStatus
    requires_prior_authorization: bool
    benefits: BenefitsRead
    version: int
    created_at: datetime
    updated_at: datetime
