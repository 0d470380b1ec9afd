"""Per-program clinical and payer settings, with the defaults of the domain reference.

Every threshold a rule uses lives here, so a clinic can tighten its own policy without a code
change. Rules receive a `ProgramSettings` value; they never read settings from anywhere else.
"""

from decimal import Decimal
from typing import Self

from pydantic import Field, model_validator

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


class ProgramSettings(Schema):
    """Thresholds of one program. Defaults follow `docs/domain.md`."""

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
    qualifying_diagnosis_prefixes: list[str] = Field(
        default_factory=lambda: list(DEFAULT_QUALIFYING_DIAGNOSIS_PREFIXES), min_length=1
    )
    requires_drug_screen: bool = True
    # CIWA-Ar above 15 and COWS of 25 or more are the scales' own "severe" bands.
    ciwa_ar_withdrawal_management_at: int = Field(16, ge=0, le=67)
    cows_withdrawal_management_at: int = Field(25, ge=0, le=48)

    # §4 groups
    group_min_size: int = Field(8, ge=1, le=100)
    group_max_size: int = Field(15, ge=1, le=100)

    # §5 attendance and discharge
    consecutive_unexcused_absences_for_review: int = Field(3, ge=1, le=60)
    days_absent_non_compliant: int = Field(7, ge=1, le=365)
    days_absent_pending_discharge: int = Field(10, ge=1, le=365)
    days_absent_discharge: int = Field(14, ge=1, le=365)
    completion_attendance_ratio: float = Field(0.9, gt=0, le=1)

    # §6 cost: $250–350 per treatment day; the midpoint until the clinic sets its own price.
    price_per_day: Money = Decimal("300.00")

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
        if problems:
            raise ValueError("; ".join(problems))
        return self
