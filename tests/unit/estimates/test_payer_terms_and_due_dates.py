"""Payer defaults by year (domain reference §6) and when a Good Faith Estimate is due."""

from datetime import date
from decimal import Decimal

import pytest

from app.coverages.schemas import BenefitsRead
from app.estimates.due_dates import NOT_REQUIRED, due_date, federal_holidays
from app.estimates.rules import SelfPay, share_days, totals
from app.estimates.terms import CoverageFacts, benefit_year_start, resolve_terms
from app.programs.settings import ProgramSettings

D = Decimal
TODAY = date(2026, 3, 2)


def facts(payer_type: str, plan_starts_on: date | None = None, **benefits: object) -> CoverageFacts:
    provenance = {"source": "entered", "recorded_on": TODAY}
    return CoverageFacts(
        payer_type, plan_starts_on, None, "in_network", False,
        BenefitsRead.model_validate({k: v | provenance for k, v in benefits.items()}),  # type: ignore[operator]
    )  # fmt: skip


def test_medicare_uses_the_part_b_deductible_of_each_year_of_service_then_twenty_percent() -> None:
    days: list[date | None] = [date(2025, 12, 29), date(2026, 1, 5), date(2026, 1, 7)]
    terms = resolve_terms(facts("medicare"), ProgramSettings(), days, TODAY)
    assert isinstance(terms.sharing, list)
    assert [y.deductible for y in terms.sharing] == [D("257.00"), D("283.00")]
    assert {y.coinsurance_rate for y in terms.sharing} == {D("0.20")}
    lines = share_days(days, D("300.00"), terms.sharing)
    assert [line.patient for line in lines] == [D("257.00") + D("8.60"), D("283.00") + D("3.40"),
                                                D("60.00")]  # fmt: skip


def test_a_year_without_its_own_medicare_deductible_uses_the_latest_one_and_says_so() -> None:
    terms = resolve_terms(facts("medicare"), ProgramSettings(), [date(2027, 2, 1)], TODAY)
    assert isinstance(terms.sharing, list)
    assert terms.sharing[0].deductible == D("283.00")
    assert any("2026's is used" in note for note in terms.assumptions)


def test_medicaid_charges_its_copay_of_the_year() -> None:
    settings = ProgramSettings(medicaid_copay_per_day={2026: D("4.00")})
    terms = resolve_terms(facts("medicaid"), settings, [date(2026, 4, 1)] * 1, TODAY)
    assert isinstance(terms.sharing, list)
    sums = totals(share_days([date(2026, 4, 1)], D("300.00"), terms.sharing))
    assert (sums.patient_pays, sums.plan_pays) == (D("4.00"), D("296.00"))


def test_self_pay_takes_the_programs_discount() -> None:
    settings = ProgramSettings(self_pay_discount_rate=D("0.15"))
    terms = resolve_terms(facts("self_pay"), settings, [None], TODAY)
    assert terms.sharing == SelfPay(D("0.15"))


def test_a_commercial_plan_without_an_out_of_pocket_maximum_gets_the_legal_limit() -> None:
    terms = resolve_terms(facts("other", date(2026, 1, 1)), ProgramSettings(), [TODAY], TODAY)
    assert isinstance(terms.sharing, list)
    assert terms.sharing[0].out_of_pocket_max == D("10600.00")


def test_met_amounts_count_only_in_the_benefit_year_they_were_recorded_in() -> None:
    coverage = facts(
        "commercial", date(2025, 7, 1),
        deductible={"total": D("1000"), "met": D("400")},
        out_of_pocket_max={"total": D("3000"), "met": D("900")},
    )  # fmt: skip
    days: list[date | None] = [date(2026, 6, 30), date(2026, 7, 1)]
    terms = resolve_terms(coverage, ProgramSettings(), days, TODAY)
    assert isinstance(terms.sharing, list)
    assert [(y.starts_on, y.deductible_met, y.out_of_pocket_met) for y in terms.sharing] == [
        (date(2025, 7, 1), D("400"), D("900")),
        (date(2026, 7, 1), D("0.00"), D("0.00")),
    ]


@pytest.mark.parametrize(
    ("day", "plan_start", "year_start"),
    [
        (date(2026, 6, 30), date(2025, 7, 1), date(2025, 7, 1)),
        (date(2026, 7, 1), date(2025, 7, 1), date(2026, 7, 1)),
        (date(2026, 3, 2), None, date(2026, 1, 1)),
        (date(2025, 2, 28), date(2024, 2, 29), date(2024, 2, 29)),
        (date(2025, 3, 1), date(2024, 2, 29), date(2025, 3, 1)),
    ],
)
def test_benefit_years_start_on_the_plan_years_anniversary(
    day: date, plan_start: date | None, year_start: date
) -> None:
    assert benefit_year_start(day, plan_start) == year_start


HOLIDAYS = federal_holidays([2026])


@pytest.mark.parametrize(
    ("scheduled", "service", "due"),
    [
        pytest.param(date(2026, 1, 16), date(2026, 1, 23), date(2026, 1, 20),
                     id="friday_booking_skips_the_weekend_and_martin_luther_king_day"),
        pytest.param(date(2026, 11, 25), date(2026, 12, 14), date(2026, 12, 1),
                     id="ten_business_days_ahead_gives_three_days_over_thanksgiving"),
        pytest.param(date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 3),
                     id="three_business_days_ahead_gives_one_day"),
        pytest.param(date(2026, 7, 2), date(2026, 7, 9), date(2026, 7, 6),
                     id="independence_day_observed_on_friday_is_not_a_business_day"),
    ],
)  # fmt: skip
def test_good_faith_estimate_due_date_counts_business_days(
    scheduled: date, service: date, due: date
) -> None:
    assert due_date(scheduled, service, None, HOLIDAYS)[0] == due


def test_a_service_booked_less_than_three_business_days_ahead_has_no_due_date() -> None:
    assert due_date(date(2026, 3, 6), date(2026, 3, 10), None, HOLIDAYS) == (None, NOT_REQUIRED)


def test_a_patients_request_is_answered_within_three_business_days() -> None:
    assert due_date(None, None, date(2026, 12, 24), HOLIDAYS)[0] == date(2026, 12, 30)
