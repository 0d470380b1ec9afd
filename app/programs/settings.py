"""Per-program clinical and payer settings, with the defaults of the domain reference.

Every threshold a rule uses lives here, so a clinic can tighten its own policy without a code
change. Rules receive a `ProgramSettings` value; they never read settings from anywhere else.
"""

from decimal import Decimal
from typing import Any, Literal, Self

from pydantic import ConfigDict, Field, model_validator

from app.schemas import Money, Schema

# Licensed professionals whose diagnosis qualifies a patient (domain reference §3.1):
# physicians and psychiatrists (MD, DO), nurse practitioners and psychiatric nurses (NP, PMHNP,
# APRN), licensed psychologists (PhD, PsyD), LCSW, LPC, LADC and LCADC.
DEFAULT_ACCEPTED_CREDENTIALS = (
    "MD", "DO", "NP", "PMHNP", "APRN", "PhD", "PsyD", "LCSW", "LPC", "LADC", "LCADC",
)  # fmt: skip

# ICD-10-CM categories that qualify for IOP (§3.1): F10–F19 substance use, F30–F39 mood,
# F40–F48 anxiety and related disorders.
DEFAULT_QUALIFYING_DIAGNOSIS_PREFIXES = tuple(
    [f"F{n}" for n in range(10, 20)] + [f"F{n}" for n in range(30, 49)]
)


BillingCode = Literal["H0015", "S9480"]
RevenueCode = Literal["0905", "0906"]
# §5: what a positive drug screen during treatment leads to is program policy.
PositiveDrugScreenAction = Literal["review", "recommend_discharge"]


def _defaults_as_example(schema: dict[str, Any]) -> None:
    # The document shows a program's settings as the defaults a new program starts with.
    schema["examples"] = [ProgramSettings().model_dump(mode="json")]


class ProgramSettings(Schema):
    """Thresholds of one program. Defaults follow `docs/domain.md`."""

    model_config = ConfigDict(json_schema_extra=_defaults_as_example)

    # §2 intensity (ASAM level 2.1, SAMHSA TIP 47)
    min_days_per_week: int = Field(3, ge=1, le=7)
    max_days_per_week: int = Field(5, ge=1, le=7)
    min_weekly_hours: float = Field(9, ge=0, le=168)
    max_weekly_hours: float = Field(19, gt=0, le=168)
    min_weekly_hours_adolescent: float = Field(6, ge=0, le=168)
    min_hours_per_day: float | None = Field(
        None, ge=0, le=24, description="Off by default; 3 when a payer bills H0015 per diem."
    )
    min_session_minutes: int = Field(60, ge=5, le=720, description="Shortest session offered.")
    planned_duration_days: int = Field(90, ge=1, le=730)
    step_down_grace_weeks: int = Field(2, ge=0, le=12)
    adult_age: int = Field(18, ge=1, le=30, description="Younger patients are adolescents.")

    # §3 admission eligibility
    accepted_credentials: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ACCEPTED_CREDENTIALS), min_length=1
    )
    # §3.5: clinical documentation is approved by a licensed professional; by default the same
    # credentials whose diagnosis qualifies (§3.1). A clinician key approves only when its staff
    # member holds one of them.
    approving_credentials: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ACCEPTED_CREDENTIALS), min_length=1, max_length=50
    )
    qualifying_diagnosis_prefixes: list[str] = Field(
        default_factory=lambda: list(DEFAULT_QUALIFYING_DIAGNOSIS_PREFIXES), min_length=1
    )
    requires_drug_screen: bool = True
    # CIWA-Ar above 15 and COWS of 25 or more are the scales' own "severe" bands.
    ciwa_ar_withdrawal_management_at: int = Field(16, ge=0, le=67)
    cows_withdrawal_management_at: int = Field(25, ge=0, le=48)
    # §3.5: payers authorize IOP in blocks reviewed every month or two; a period longer than
    # twice the planned duration is far more likely a typo than an authorization.
    max_authorization_days: int = Field(
        180, ge=1, le=731, description="The longest authorization period accepted at approval."
    )

    # §4 groups
    group_min_size: int = Field(8, ge=1, le=100)
    group_max_size: int = Field(15, ge=1, le=100)

    # §5 attendance and discharge
    consecutive_unexcused_absences_for_review: int = Field(3, ge=1, le=60)
    days_absent_non_compliant: int = Field(7, ge=1, le=365)
    days_absent_pending_discharge: int = Field(10, ge=1, le=365)
    days_absent_discharge: int = Field(14, ge=1, le=365)
    completion_attendance_ratio: float = Field(0.9, gt=0, le=1)
    authorization_days_left_alert: int = Field(
        5,
        ge=0,
        le=60,
        description="Authorized treatment days left when the authorization is nearly used:"
        " time for the payer's concurrent review.",
    )
    # §3.2 and §5: a positive result confirms use and calls for a clinical review; a program
    # whose policy discharges on it says so here.
    positive_drug_screen_action: PositiveDrugScreenAction = Field(
        "review",
        description="What a positive drug screen during treatment leads to: `review` (an alert"
        " for a clinical review) or `recommend_discharge` (the alert, and the attendance summary"
        " is pending_discharge with `administrative` suggested until a later screen is not"
        " positive).",
    )
    past_booking_days: int = Field(
        90,
        ge=0,
        le=365,
        description="How far back a first treatment plan that starts in the past books its"
        " sessions, so their attendance can be recorded.",
    )

    # §6 cost: $250–350 per treatment day; the midpoint until the clinic sets its own price.
    price_per_day: Money = Field(Decimal("300.00"), ge=0)
    billing_code: BillingCode = Field(
        "H0015", description="HCPCS per diem: H0015 substance-use IOP, S9480 psychiatric IOP."
    )
    revenue_code: RevenueCode = Field("0905", description="Revenue code on institutional claims.")
    self_pay_discount_rate: Decimal = Field(
        Decimal("0"), ge=0, le=1, max_digits=5, decimal_places=4,
        description="Share of the charge a self-pay patient does not pay (0.15 is 15% off).",
    )  # fmt: skip
    # §6: Medicare Part B deductible by calendar year of service (CMS), then 20% coinsurance.
    medicare_part_b_deductible: dict[int, Money] = Field(
        default_factory=lambda: {2025: Decimal("257.00"), 2026: Decimal("283.00")}, min_length=1
    )
    medicare_coinsurance_rate: Decimal = Field(
        Decimal("0.20"), ge=0, le=1, max_digits=5, decimal_places=4
    )
    # §6: Medicaid charges nothing or a nominal amount; a state's copay per treatment day by year.
    medicaid_copay_per_day: dict[int, Money] = Field(
        default_factory=lambda: {2025: Decimal("0.00"), 2026: Decimal("0.00")}, min_length=1
    )
    # §6: the ACA limit on out-of-pocket costs for one person (HHS), assumed when a plan gives
    # no out-of-pocket maximum.
    aca_out_of_pocket_limit: dict[int, Money] = Field(
        default_factory=lambda: {2025: Decimal("9200.00"), 2026: Decimal("10600.00")},
        min_length=1,
    )
    # §6 Good Faith Estimates: the provider the estimate names.
    provider_name: str | None = Field(None, max_length=200, examples=["Riverbend Recovery"])
    provider_npi: str | None = Field(None, pattern=r"^\d{10}$", examples=["1234567893"])
    provider_tin: str | None = Field(None, pattern=r"^\d{2}-?\d{7}$", examples=["12-3456789"])
    provider_location: str | None = Field(
        None, max_length=300, examples=["12 Mill Street, Springfield, MA 01103"]
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = []
        if self.min_days_per_week > self.max_days_per_week:
            problems.append("min_days_per_week must not exceed max_days_per_week")
        if self.min_weekly_hours > self.max_weekly_hours:
            problems.append("min_weekly_hours must not exceed max_weekly_hours")
        if self.min_weekly_hours_adolescent > self.max_weekly_hours:
            problems.append("min_weekly_hours_adolescent must not exceed max_weekly_hours")
        shortest_week = self.min_days_per_week * max(
            self.min_session_minutes / 60, self.min_hours_per_day or 0
        )
        if shortest_week > self.max_weekly_hours:
            problems.append(
                "min_days_per_week sessions of the shortest length already exceed"
                " max_weekly_hours: no plan could be valid"
            )
        if self.max_days_per_week * 24 < self.min_weekly_hours:
            problems.append("min_weekly_hours cannot fit in max_days_per_week days")
        if self.group_min_size > self.group_max_size:
            problems.append("group_min_size must not exceed group_max_size")
        if not (
            self.days_absent_non_compliant
            <= self.days_absent_pending_discharge
            <= self.days_absent_discharge
        ):
            problems.append("days_absent thresholds must rise: non_compliant ≤ pending ≤ discharge")
        for name in (
            "medicare_part_b_deductible",
            "medicaid_copay_per_day",
            "aca_out_of_pocket_limit",
        ):
            by_year: dict[int, Decimal] = getattr(self, name)
            if any(not 1900 <= year <= 2999 for year in by_year):
                problems.append(f"{name} is keyed by calendar year, such as 2026")
            if any(amount < 0 for amount in by_year.values()):
                problems.append(f"{name} holds amounts of $0 or more")
        if problems:
            raise ValueError("; ".join(problems))
        return self
