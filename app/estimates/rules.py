"""What a patient pays for treatment days, day by day (docs/domain.md §6).

Pure: prices and benefit terms in, one line per treatment day out. Money is exact `Decimal`
dollars; the only rounding is each day's coinsurance or discount, half-up to the cent, and
every total is the sum of its lines, so lines and totals always agree to the cent.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ROUNDING_RULE = (
    "Exact decimal arithmetic in US dollars: each day's coinsurance and discount is rounded"
    " half-up to the cent, and every total is the sum of its lines."
)


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class BenefitYear:
    """The cost sharing of one benefit year. `deductible_met` and `out_of_pocket_met` are what
    the patient had already paid in that year when the estimate's first day in it comes."""

    starts_on: dt.date | None  # None: the days are not dated
    deductible: Decimal = ZERO
    deductible_met: Decimal = ZERO
    coinsurance_rate: Decimal = ZERO
    copay_per_day: Decimal | None = None  # instead of coinsurance
    out_of_pocket_max: Decimal | None = None  # None: no cap
    out_of_pocket_met: Decimal = ZERO


@dataclass(frozen=True)
class SelfPay:
    discount_rate: Decimal = ZERO


@dataclass(frozen=True)
class DayLine:
    number: int  # 1 for the first treatment day
    date: dt.date | None
    benefit_year_starts_on: dt.date | None
    charge: Decimal
    discount: Decimal
    deductible: Decimal  # of the patient's share, what went to the deductible
    coinsurance: Decimal
    copay: Decimal
    patient: Decimal
    plan: Decimal
    deductible_met: Decimal  # running totals of the benefit year, after this day
    out_of_pocket_met: Decimal


def year_of(years: Sequence[BenefitYear], day: dt.date | None) -> int:
    """The index of the benefit year `day` falls in: the last one starting on or before it.
    Undated days all fall in the first."""
    index = 0
    for position, year in enumerate(years):
        if day is not None and year.starts_on is not None and year.starts_on <= day:
            index = position
    return index


def share_days(
    days: Sequence[dt.date | None],
    price_per_day: Decimal,
    terms: SelfPay | Sequence[BenefitYear],
) -> list[DayLine]:
    """One line per treatment day, in the order given (dated days in date order)."""
    if isinstance(terms, SelfPay):
        return [_self_pay_day(n, day, price_per_day, terms) for n, day in enumerate(days, 1)]
    if not terms:
        raise ValueError("a plan's estimate needs at least one benefit year")
    spent: dict[int, tuple[Decimal, Decimal]] = {}
    lines = []
    for number, day in enumerate(days, start=1):
        index = year_of(terms, day)
        year = terms[index]
        deductible_met, out_of_pocket_met = spent.get(
            index, (year.deductible_met, year.out_of_pocket_met)
        )
        line = _plan_day(number, day, price_per_day, year, deductible_met, out_of_pocket_met)
        spent[index] = (line.deductible_met, line.out_of_pocket_met)
        lines.append(line)
    return lines


def _self_pay_day(number: int, day: dt.date | None, price: Decimal, terms: SelfPay) -> DayLine:
    discount = to_cents(price * terms.discount_rate)
    patient = price - discount
    return DayLine(
        number, day, None, price, discount, ZERO, ZERO, ZERO, patient, ZERO, ZERO, ZERO
    )  # fmt: skip


def _plan_day(
    number: int,
    day: dt.date | None,
    price: Decimal,
    year: BenefitYear,
    deductible_met: Decimal,
    out_of_pocket_met: Decimal,
) -> DayLine:
    # §6: what remains of the deductible first, then coinsurance or the copay, never above
    # what remains of the out-of-pocket maximum; the plan pays the rest.
    deductible = min(price, max(year.deductible - deductible_met, ZERO))
    after_deductible = price - deductible
    if year.copay_per_day is not None:
        copay, coinsurance = min(year.copay_per_day, after_deductible), ZERO
    else:
        copay, coinsurance = ZERO, to_cents(after_deductible * year.coinsurance_rate)
    if year.out_of_pocket_max is not None:
        room = max(year.out_of_pocket_max - out_of_pocket_met, ZERO)
        excess = max(deductible + coinsurance + copay - room, ZERO)
        # The cap takes back the share after the deductible first, then the deductible's.
        from_sharing = min(excess, coinsurance + copay)
        coinsurance, copay = _less(coinsurance, copay, from_sharing)
        deductible -= excess - from_sharing
    patient = deductible + coinsurance + copay
    return DayLine(
        number=number,
        date=day,
        benefit_year_starts_on=year.starts_on,
        charge=price,
        discount=ZERO,
        deductible=deductible,
        coinsurance=coinsurance,
        copay=copay,
        patient=patient,
        plan=price - patient,
        deductible_met=deductible_met + deductible,
        out_of_pocket_met=out_of_pocket_met + patient,
    )


def _less(coinsurance: Decimal, copay: Decimal, taken: Decimal) -> tuple[Decimal, Decimal]:
    """Take `taken` off whichever of coinsurance or copay the day has (only one is non-zero)."""
    if coinsurance > 0:
        return coinsurance - taken, copay
    return coinsurance, copay - taken


@dataclass(frozen=True)
class Totals:
    treatment_days: int
    total_charge: Decimal
    discount: Decimal
    deductible: Decimal
    coinsurance: Decimal
    copay: Decimal
    patient_pays: Decimal
    plan_pays: Decimal


def totals(lines: Sequence[DayLine]) -> Totals:
    def total(name: str) -> Decimal:
        return sum((getattr(line, name) for line in lines), ZERO)

    return Totals(
        treatment_days=len(lines),
        total_charge=total("charge"),
        discount=total("discount"),
        deductible=total("deductible"),
        coinsurance=total("coinsurance"),
        copay=total("copay"),
        patient_pays=total("patient"),
        plan_pays=total("plan"),
    )


@dataclass(frozen=True)
class MonthLine:
    month: str  # "2026-03"
    first_date: dt.date
    last_date: dt.date
    treatment_days: int
    charge: Decimal
    discount: Decimal
    deductible: Decimal
    coinsurance: Decimal
    copay: Decimal
    patient: Decimal
    plan: Decimal
    deductible_met: Decimal  # running totals after the month's last day
    out_of_pocket_met: Decimal


def by_month(lines: Sequence[DayLine]) -> list[MonthLine]:
    """The day lines summed per calendar month; the running totals are the month's last."""
    months: dict[str, list[DayLine]] = {}
    for line in lines:
        if line.date is None:
            raise ValueError("monthly lines need dated treatment days")
        months.setdefault(f"{line.date:%Y-%m}", []).append(line)
    result = []
    for month, days in months.items():
        sums = totals(days)
        last = days[-1]
        first_date, last_date = days[0].date, last.date
        assert first_date is not None
        assert last_date is not None
        result.append(
            MonthLine(
                month, first_date, last_date, len(days), sums.total_charge, sums.discount,
                sums.deductible, sums.coinsurance, sums.copay, sums.patient_pays, sums.plan_pays,
                last.deductible_met, last.out_of_pocket_met,
            )
        )  # fmt: skip
    return result
