"""The cost sharing an estimate applies: a coverage's benefits, completed by the program's
payer defaults (docs/domain.md §6), with every assumption that went into it. Pure."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.coverages.schemas import BenefitsRead, LimitRead
from app.estimates.rules import ZERO, BenefitYear, SelfPay
from app.estimates.wording import money, percent
from app.programs.settings import ProgramSettings

# Plans whose benefit year follows their own plan period; Medicare's and Medicaid's follow the
# calendar year.
PLAN_YEAR_PAYERS = frozenset({"commercial", "other"})


@dataclass(frozen=True)
class CoverageFacts:
    payer_type: str
    plan_starts_on: date | None
    plan_ends_on: date | None
    network_status: str
    requires_prior_authorization: bool
    benefits: BenefitsRead


@dataclass(frozen=True)
class Terms:
    sharing: SelfPay | list[BenefitYear]
    assumptions: list[str]


def benefit_year_start(day: date, plan_starts_on: date | None) -> date:
    """The start of the benefit year `day` falls in: the latest anniversary of the plan's
    start on or before it, or 1 January without a plan period."""
    if plan_starts_on is None:
        return date(day.year, 1, 1)
    this_year = _anniversary(plan_starts_on, day.year)
    return this_year if this_year <= day else _anniversary(plan_starts_on, day.year - 1)


def _anniversary(start: date, year: int) -> date:
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 3, 1)


def by_year(table: Mapping[int, Decimal], year: int) -> tuple[Decimal, int]:
    """A by-year setting for `year`: its own, else the latest year before it, else the
    earliest there is. Answers the amount and the year it is from."""
    if year in table:
        return table[year], year
    earlier = [known for known in table if known < year]
    used = max(earlier) if earlier else min(table)
    return table[used], used


def resolve_terms(
    coverage: CoverageFacts,
    settings: ProgramSettings,
    days: Sequence[date | None],
    today: date,
) -> Terms:
    assumptions: list[str] = []
    if coverage.payer_type == "self_pay":
        return Terms(SelfPay(settings.self_pay_discount_rate), assumptions)
    anniversary = coverage.plan_starts_on if coverage.payer_type in PLAN_YEAR_PAYERS else None
    if coverage.payer_type in PLAN_YEAR_PAYERS and anniversary is None:
        assumptions.append("No plan period was given: the benefit year is the calendar year.")
    dated = [day for day in days if day is not None]
    starts: list[date | None] = [*sorted({benefit_year_start(d, anniversary) for d in dated})]
    if not dated:
        starts = [None]
        assumptions.append(
            "The treatment days are not dated: all of them fall in one benefit year, with the"
            " deductible and out-of-pocket amounts met as entered."
        )
    years = [
        _benefit_year(coverage, settings, start, anniversary, today, assumptions)
        for start in starts
    ]
    assumptions += _coverage_assumptions(coverage, dated)
    return Terms(years, list(dict.fromkeys(assumptions)))


def _benefit_year(
    coverage: CoverageFacts,
    settings: ProgramSettings,
    start: date | None,
    anniversary: date | None,
    today: date,
    assumptions: list[str],
) -> BenefitYear:
    benefits, payer = coverage.benefits, coverage.payer_type
    calendar_year = (start or today).year

    def met(limit: LimitRead | None, name: str) -> Decimal:
        """What was met counts in the benefit year it was recorded in; later ones restart."""
        if limit is None or limit.met == 0 or start is None:
            return limit.met if limit is not None else ZERO
        if benefit_year_start(limit.recorded_on, anniversary) == start:
            return limit.met
        if start > limit.recorded_on:
            return ZERO
        assumptions.append(
            f"The {name} met was recorded on {limit.recorded_on}, after the benefit year"
            f" starting {start}: that year starts from {money(ZERO)}."
        )
        return ZERO

    if benefits.deductible is not None:
        deductible = benefits.deductible.total
    elif payer == "medicare":
        deductible, year = by_year(settings.medicare_part_b_deductible, calendar_year)
        assumptions.append(
            f"Medicare Part B deductible for {calendar_year}: {money(deductible)}"
            + ("." if year == calendar_year else f" (none is set for it; {year}'s is used).")
        )
    else:
        deductible = ZERO
        assumptions.append("No deductible was given: none is assumed.")

    copay: Decimal | None = None
    rate = ZERO
    if benefits.copay_per_day is not None:
        copay = benefits.copay_per_day.amount
    elif benefits.coinsurance is not None:
        rate = benefits.coinsurance.rate
    elif payer == "medicare":
        rate = settings.medicare_coinsurance_rate
        assumptions.append(f"Medicare Part B coinsurance of {percent(rate)} after the deductible.")
    elif payer == "medicaid":
        copay, year = by_year(settings.medicaid_copay_per_day, calendar_year)
        assumptions.append(
            f"Medicaid copay for {calendar_year}: {money(copay)} per treatment day"
            + ("." if year == calendar_year else f" (none is set for it; {year}'s is used).")
        )
    else:
        assumptions.append(
            "No coinsurance or copay was given: the plan pays all of each day after the deductible."
        )

    out_of_pocket_max: Decimal | None = None
    if benefits.out_of_pocket_max is not None:
        out_of_pocket_max = benefits.out_of_pocket_max.total
    elif payer in PLAN_YEAR_PAYERS:
        out_of_pocket_max, year = by_year(settings.aca_out_of_pocket_limit, calendar_year)
        assumptions.append(
            "No out-of-pocket maximum was given: the legal limit for one person"
            f" ({money(out_of_pocket_max)} in {year}) is assumed."
        )
    else:
        assumptions.append("No out-of-pocket maximum was given: none is applied.")

    return BenefitYear(
        starts_on=start,
        deductible=deductible,
        deductible_met=min(met(benefits.deductible, "deductible"), deductible),
        coinsurance_rate=rate,
        copay_per_day=copay,
        out_of_pocket_max=out_of_pocket_max,
        out_of_pocket_met=met(benefits.out_of_pocket_max, "out-of-pocket amount"),
    )


def _coverage_assumptions(coverage: CoverageFacts, dated: list[date]) -> list[str]:
    notes = []
    if coverage.network_status == "out_of_network":
        notes.append(
            "The program is out of the plan's network: the plan may pay less than these figures"
            " and the difference may be billed to the patient."
        )
    elif coverage.network_status == "unknown":
        notes.append("The plan's network status is unknown: in-network benefits are assumed.")
    if coverage.requires_prior_authorization:
        notes.append("The plan requires prior authorization: without it the plan may pay nothing.")
    if coverage.plan_starts_on is not None:
        before = sum(1 for day in dated if day < coverage.plan_starts_on)
        if before:
            notes.append(
                f"{before} treatment day(s) fall before the coverage starts on"
                f" {coverage.plan_starts_on}; they are estimated as if it were in force."
            )
    if coverage.plan_ends_on is not None:
        after = sum(1 for day in dated if day > coverage.plan_ends_on)
        if after:
            notes.append(
                f"{after} treatment day(s) fall after the coverage ends on"
                f" {coverage.plan_ends_on}; they are estimated as if it were renewed unchanged."
            )
    benefits = [
        coverage.benefits.deductible, coverage.benefits.coinsurance,
        coverage.benefits.copay_per_day, coverage.benefits.out_of_pocket_max,
    ]  # fmt: skip
    if any(b is not None and b.source == "entered" for b in benefits):
        notes.append("Benefits entered by staff have not been verified with the payer.")
    return notes
