"""An estimate's answer from its inputs: the terms, the lines, the totals and the words.

Pure, so the OpenAPI examples are computed by the same code as the answers."""

import uuid
from datetime import date

from app.estimates.explain import explain
from app.estimates.rules import ROUNDING_RULE, DayLine, MonthLine, by_month, share_days, totals
from app.estimates.schemas import CostEstimateRead, CostEstimateRequest, CoverageUsed, EstimateLine
from app.estimates.terms import CoverageFacts, resolve_terms
from app.programs.settings import ProgramSettings


def compose_estimate(
    body: CostEstimateRequest,
    settings: ProgramSettings,
    coverage: CoverageUsed,
    days: list[date | None],
    notes: list[str],
    today: date,
    *,
    patient_id: uuid.UUID | None,
    program_id: uuid.UUID | None,
    admission_id: uuid.UUID | None,
) -> CostEstimateRead:
    price = body.price_per_day if body.price_per_day is not None else settings.price_per_day
    facts = CoverageFacts(
        coverage.payer_type, coverage.plan_starts_on, coverage.plan_ends_on,
        coverage.network_status, coverage.requires_prior_authorization, coverage.benefits,
    )  # fmt: skip
    terms = resolve_terms(facts, settings, days, today)
    day_lines = share_days(days, price, terms.sharing)
    sums = totals(day_lines)
    if body.price_per_day is None:
        notes = [*notes, f"The price per treatment day is the program's: ${price:,.2f}."]
    dated = [day for day in days if day is not None]
    return CostEstimateRead(
        id=None,
        estimated_on=today,
        saved_at=None,
        patient_id=patient_id,
        program_id=program_id,
        admission_id=admission_id,
        billing_code=settings.billing_code,
        revenue_code=settings.revenue_code,
        coverage=coverage,
        treatment_days=sums.treatment_days,
        first_date=min(dated, default=None),
        last_date=max(dated, default=None),
        price_per_day=price,
        total_charge=sums.total_charge,
        discount=sums.discount,
        deductible=sums.deductible,
        coinsurance=sums.coinsurance,
        copay=sums.copay,
        plan_pays=sums.plan_pays,
        patient_pays=sums.patient_pays,
        lines_per=body.lines_per,
        lines=(
            [_month_line(m) for m in by_month(day_lines)]
            if body.lines_per == "month"
            else [_day_line(line) for line in day_lines]
        ),
        explanation=explain(day_lines, terms.sharing, sums),
        assumptions=notes + terms.assumptions,
        rounding=ROUNDING_RULE,
        inputs=body,
    )


def _day_line(line: DayLine) -> EstimateLine:
    return EstimateLine(
        period=line.date.isoformat() if line.date is not None else f"day {line.number}",
        first_date=line.date,
        last_date=line.date,
        treatment_days=1,
        benefit_year_starts_on=line.benefit_year_starts_on,
        charge=line.charge,
        discount=line.discount,
        deductible=line.deductible,
        coinsurance=line.coinsurance,
        copay=line.copay,
        patient=line.patient,
        plan=line.plan,
        deductible_met=line.deductible_met,
        out_of_pocket_met=line.out_of_pocket_met,
    )


def _month_line(month: MonthLine) -> EstimateLine:
    return EstimateLine(
        period=month.month,
        first_date=month.first_date,
        last_date=month.last_date,
        treatment_days=month.treatment_days,
        charge=month.charge,
        discount=month.discount,
        deductible=month.deductible,
        coinsurance=month.coinsurance,
        copay=month.copay,
        patient=month.patient,
        plan=month.plan,
        deductible_met=month.deductible_met,
        out_of_pocket_met=month.out_of_pocket_met,
    )
