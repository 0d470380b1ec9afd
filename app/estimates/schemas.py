"""Cost estimates and Good Faith Estimates: what is asked, and what is answered."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from app.coverages.schemas import (
    BenefitsRead,
    CoverageTerms,
    NetworkStatus,
    PayerType,
)
from app.programs.settings import BillingCode, RevenueCode
from app.schemas import Date, Money, Schema

Amount = Annotated[Money, Field(ge=0, examples=["300.00"])]
LinesPer = Literal["day", "month"]


class TreatmentDays(Schema):
    """How many treatment days, in one of three ways: a count; days per week for a number of
    weeks; or an admission, whose treatment plan gives the dated days."""

    treatment_days: int | None = Field(None, ge=1, le=1000, examples=[39])
    days_per_week: int | None = Field(None, ge=1, le=7, examples=[3])
    weeks: int | None = Field(None, ge=1, le=104, examples=[13])
    admission_id: uuid.UUID | None = None
    starts_on: Date | None = Field(
        None,
        examples=["2026-03-02"],
        description="First day of a count or a weekly schedule; today when not given.",
    )


class CostEstimateRequest(TreatmentDays):
    program_id: uuid.UUID | None = Field(
        None, description="Its price per day, billing codes and payer defaults apply."
    )
    price_per_day: Amount | None = Field(None, description="Instead of the program's price.")
    coverage_id: uuid.UUID | None = Field(None, description="A coverage stored for the patient.")
    coverage: CoverageTerms | None = Field(None, description="Or the coverage's terms inline.")
    patient_id: uuid.UUID | None = Field(
        None, description="Whose estimate it is, when neither coverage nor admission says so."
    )
    lines_per: LinesPer = Field("day", description="One line per treatment day, or per month.")
    save: bool = Field(False, description="Keep the estimate, its inputs and its date.")


class EstimateLine(Schema):
    """One treatment day, or one month of them. The patient's share is `deductible` +
    `coinsurance` + `copay`; `patient` + `plan` + `discount` is the `charge`."""

    period: str = Field(
        examples=["2026-03-02"], description="The day (YYYY-MM-DD), month (YYYY-MM) or `day 3`."
    )
    first_date: date | None
    last_date: date | None
    treatment_days: int
    benefit_year_starts_on: date | None = None
    charge: Money
    discount: Money
    deductible: Money = Field(description="Of the patient's share, what goes to the deductible.")
    coinsurance: Money
    copay: Money
    patient: Money
    plan: Money
    deductible_met: Money = Field(description="Met in the benefit year after this line.")
    out_of_pocket_met: Money = Field(description="Paid in the benefit year after this line.")


class CoverageUsed(Schema):
    """The coverage's terms as the estimate used them: they stay with a saved estimate."""

    coverage_id: uuid.UUID | None
    payer_type: PayerType
    payer_id: str | None = Field(examples=["60054"])
    payer_name: str | None = Field(examples=["Blue Harbor Health Plan"])
    plan_starts_on: date | None
    plan_ends_on: date | None
    network_status: NetworkStatus
    requires_prior_authorization: bool
    benefits: BenefitsRead


class CostEstimateRead(Schema):
    id: uuid.UUID | None = Field(description="Set when the estimate was saved.")
    estimated_on: date
    saved_at: datetime | None
    patient_id: uuid.UUID | None
    program_id: uuid.UUID | None
    admission_id: uuid.UUID | None
    currency: Literal["USD"] = "USD"
    billing_code: BillingCode
    revenue_code: RevenueCode
    coverage: CoverageUsed
    treatment_days: int
    first_date: date | None
    last_date: date | None
    price_per_day: Money
    total_charge: Money
    discount: Money
    deductible: Money
    coinsurance: Money
    copay: Money
    plan_pays: Money
    patient_pays: Money
    lines_per: LinesPer
    lines: list[EstimateLine]
    explanation: list[str] = Field(description="The steps, in words a patient can follow.")
    assumptions: list[str]
    rounding: str
    inputs: CostEstimateRequest


class Provider(Schema):
    name: str = Field(min_length=1, max_length=200, examples=["Riverbend Recovery"])
    npi: str = Field(pattern=r"^\d{10}$", examples=["1234567893"])
    tin: str = Field(pattern=r"^\d{2}-?\d{7}$", examples=["12-3456789"])
    location: str = Field(
        min_length=1, max_length=300, examples=["12 Mill Street, Springfield, MA 01103"]
    )


class GoodFaithEstimateCreate(TreatmentDays):
    patient_id: uuid.UUID
    program_id: uuid.UUID | None = Field(None, description="Needed unless an admission is given.")
    scheduled_on: Date | None = Field(
        None,
        examples=["2026-03-02"],
        description="When the service was scheduled; today unless `requested_on` is given.",
    )
    requested_on: Date | None = Field(
        None, description="When the patient asked for an estimate without scheduling."
    )
    diagnosis_codes: list[Annotated[str, Field(pattern=r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$")]] = Field(
        default_factory=list, max_length=12, examples=[["F10.20"]]
    )
    provider: Provider | None = Field(
        None, description="Instead of the provider named in the program's settings."
    )


class GoodFaithItem(Schema):
    description: str
    service_code: str = Field(description="HCPCS code.", examples=["H0015"])
    revenue_code: str = Field(examples=["0905"])
    diagnosis_codes: list[str]
    quantity: int = Field(description="Treatment days.")
    unit_charge: Money
    discount: Money
    expected_charge: Money
    first_date: date | None
    last_date: date | None


class GoodFaithEstimateRead(Schema):
    """A Good Faith Estimate (No Surprises Act, 45 CFR 149.610) for an uninsured or self-pay
    patient, with every element the rule requires."""

    id: uuid.UUID
    patient_id: uuid.UUID
    program_id: uuid.UUID
    admission_id: uuid.UUID | None
    patient_name: str
    patient_date_of_birth: date
    primary_service: str
    service_starts_on: date | None
    provider: Provider
    items: list[GoodFaithItem]
    total_expected_charge: Money
    currency: Literal["USD"] = "USD"
    scheduled_on: date | None
    requested_on: date | None
    due_on: date | None = Field(description="The last day the estimate may be given.")
    due_rule: str
    issued_at: datetime
    separately_scheduled: list[str]
    disclaimers: list[str]
    dispute_threshold: Money = Field(examples=["400.00"])
    dispute_window_days: int = Field(examples=[120])
    assumptions: list[str]
