"""The patient's share day by day (domain reference §6): deductible first, then coinsurance
or copay, never past the out-of-pocket maximum; lines add up to the totals to the cent."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.estimates.days import weekly_days
from app.estimates.rules import (
    ZERO,
    BenefitYear,
    SelfPay,
    by_month,
    share_days,
    to_cents,
    totals,
    year_of,
)

D = Decimal
PRICE = D("300.00")


def days_from(first: date, count: int) -> list[date | None]:
    return [first + timedelta(days=n) for n in range(count)]


def year(**terms: object) -> BenefitYear:
    return BenefitYear(starts_on=date(2026, 1, 1), **terms)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("terms", "days", "patient", "plan"),
    [
        pytest.param(
            year(deductible=D("1500"), deductible_met=D("200"), coinsurance_rate=D("0.2")),
            10, D("1300") + D("40") + 5 * D("60"), D("3000") - D("1640"),
            id="deductible_runs_out_on_day_five_then_twenty_percent",
        ),
        pytest.param(
            year(deductible=D("500"), copay_per_day=D("25")),
            4, D("300") + D("200") + 25 + 25 + 25 + 0, D("1200") - D("575"),
            id="copay_after_the_deductible_including_the_day_it_runs_out",
        ),
        pytest.param(
            year(deductible=D("1000"), coinsurance_rate=D("0.5"), out_of_pocket_max=D("1200"),
                 out_of_pocket_met=D("0")),
            10, D("1200"), D("3000") - D("1200"),
            id="out_of_pocket_maximum_reached_then_the_plan_pays_everything",
        ),
        pytest.param(
            year(deductible=D("5000"), out_of_pocket_max=D("800"), out_of_pocket_met=D("700")),
            3, D("100"), D("800"),
            id="the_cap_also_stops_the_deductible",
        ),
        pytest.param(year(), 5, ZERO, D("1500"), id="no_cost_sharing_plan_pays_all"),
        pytest.param(
            year(copay_per_day=D("3.00")), 39, 39 * D("3"), 39 * D("297"),
            id="medicaid_nominal_copay",
        ),
    ],
)  # fmt: skip
def test_patient_share_of_a_plan(
    terms: BenefitYear, days: int, patient: Decimal, plan: Decimal
) -> None:
    sums = totals(share_days(days_from(date(2026, 3, 2), days), PRICE, [terms]))
    assert (sums.patient_pays, sums.plan_pays) == (patient, plan)


def test_deductible_running_out_mid_plan_shows_on_the_day_it_happens() -> None:
    lines = share_days(
        days_from(date(2026, 3, 2), 6), PRICE,
        [year(deductible=D("1000"), coinsurance_rate=D("0.2"))],
    )  # fmt: skip
    assert [line.deductible for line in lines] == [D("300")] * 3 + [D("100"), ZERO, ZERO]
    assert [line.coinsurance for line in lines] == [ZERO] * 3 + [D("40.00"), D("60.00"), D("60.00")]
    assert [line.deductible_met for line in lines][-1] == D("1000")


def test_coinsurance_is_rounded_half_up_on_each_line() -> None:
    [line] = share_days([date(2026, 3, 2)], D("250.25"), [year(coinsurance_rate=D("0.1"))])
    assert line.coinsurance == D("25.03")  # 25.025 rounds up
    assert to_cents(D("0.005")) == D("0.01")


def test_a_plan_across_a_benefit_year_restarts_the_deductible_on_the_plan_years_first_day() -> None:
    years = [
        BenefitYear(date(2025, 7, 1), deductible=D("600"), deductible_met=D("600"),
                    coinsurance_rate=D("0.2")),
        BenefitYear(date(2026, 7, 1), deductible=D("600"), coinsurance_rate=D("0.2")),
    ]  # fmt: skip
    lines = share_days(days_from(date(2026, 6, 29), 4), PRICE, years)
    assert [line.patient for line in lines] == [D("60.00"), D("60.00"), D("300"), D("300")]
    assert lines[2].benefit_year_starts_on == date(2026, 7, 1)
    assert year_of(years, date(2026, 6, 30)) == 0


@pytest.mark.parametrize(
    ("rate", "patient_per_day"),
    [(D("0"), D("300.00")), (D("0.15"), D("255.00")), (D("0.333"), D("200.10"))],
)
def test_self_pay_pays_the_charge_less_the_discount(
    rate: Decimal, patient_per_day: Decimal
) -> None:
    lines = share_days(days_from(date(2026, 3, 2), 3), PRICE, SelfPay(rate))
    assert {line.patient for line in lines} == {patient_per_day}
    assert {line.plan for line in lines} == {ZERO}
    assert all(line.patient + line.discount == PRICE for line in lines)


def test_a_weekly_schedule_counts_treatment_days_never_calendar_days() -> None:
    days = weekly_days(date(2026, 3, 2), 3, 13)  # a 90-day plan at 3 days a week
    assert len(days) == 39
    assert {day.weekday() for day in days} == {0, 2, 4}


money = st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=1, places=3, allow_nan=False, allow_infinity=False)


def at_most(limit: Decimal | None) -> Callable[[Decimal], bool]:
    return lambda amount: limit is None or amount <= limit


@st.composite
def benefit_years(draw: st.DrawFn) -> list[BenefitYear]:
    starts = sorted(
        set(draw(st.lists(st.dates(date(2025, 1, 1), date(2027, 12, 31)), min_size=1, max_size=3)))
    )
    found = []
    for start in starts:
        deductible = draw(money)
        out_of_pocket_max = draw(st.none() | money)
        found.append(
            BenefitYear(
                starts_on=start,
                deductible=deductible,
                deductible_met=draw(money.filter(at_most(deductible))),
                coinsurance_rate=draw(rates),
                copay_per_day=draw(st.none() | money),
                out_of_pocket_max=out_of_pocket_max,
                out_of_pocket_met=draw(money.filter(at_most(out_of_pocket_max))),
            )
        )
    return found  # fmt: skip


plans = st.lists(
    st.dates(date(2025, 1, 1), date(2028, 6, 30)), min_size=1, max_size=120, unique=True
).map(sorted)


@settings(deadline=None, max_examples=150)
@given(years=benefit_years(), days=plans, price=money)
def test_lines_add_up_to_the_totals_to_the_cent(
    years: list[BenefitYear], days: list[date], price: Decimal
) -> None:
    lines = share_days(list(days), price, years)
    sums = totals(lines)
    assert sums.total_charge == price * len(days)
    assert sums.patient_pays + sums.plan_pays + sums.discount == sums.total_charge
    for line in lines:
        assert line.patient == line.deductible + line.coinsurance + line.copay
        assert ZERO <= line.patient <= line.charge
        assert min(line.deductible, line.coinsurance, line.copay, line.plan) >= 0
        assert line.patient == to_cents(line.patient)
    for index, terms in enumerate(years):
        mine = [line for line in lines if year_of(years, line.date) == index]
        paid = sum((line.patient for line in mine), ZERO)
        deducted = sum((line.deductible for line in mine), ZERO)
        assert deducted <= terms.deductible - terms.deductible_met
        if terms.out_of_pocket_max is not None:
            assert paid <= terms.out_of_pocket_max - terms.out_of_pocket_met
    months = by_month(lines)
    assert sum((m.patient for m in months), ZERO) == sums.patient_pays
    assert sum((m.plan for m in months), ZERO) == sums.plan_pays
    assert sum(m.treatment_days for m in months) == len(days)


@settings(deadline=None, max_examples=50)
@given(rate=rates, price=money, count=st.integers(1, 200))
def test_self_pay_lines_add_up_to_the_charge_less_the_discount(
    rate: Decimal, price: Decimal, count: int
) -> None:
    sums = totals(share_days([None] * count, price, SelfPay(rate)))
    assert sums.patient_pays + sums.discount == price * count
    assert sums.plan_pays == ZERO
