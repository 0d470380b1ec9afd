"""The steps of an estimate in plain words, as a patient can follow them. Pure."""

from collections.abc import Sequence
from itertools import groupby

from app.estimates.rules import ZERO, BenefitYear, DayLine, SelfPay, Totals, year_of
from app.estimates.wording import day, money, percent


def explain(
    lines: Sequence[DayLine], sharing: SelfPay | Sequence[BenefitYear], sums: Totals
) -> list[str]:
    if not lines:
        return ["There are no treatment days to charge."]
    price = lines[0].charge
    steps = [
        f"{sums.treatment_days} treatment days at {money(price)} a day come to"
        f" {money(sums.total_charge)}. Only days of treatment are charged, never calendar days."
    ]
    if isinstance(sharing, SelfPay):
        if sums.discount > 0:
            steps.append(
                f"Paying yourself, you get {percent(sharing.discount_rate)} off each day:"
                f" {money(sums.discount)} in all."
            )
        steps.append(f"You pay {money(sums.patient_pays)}; no insurance plan is billed.")
        return steps
    several = len({line.benefit_year_starts_on for line in lines}) > 1
    for index, year_lines in groupby(lines, key=lambda line: year_of(sharing, line.date)):
        steps += _benefit_year_steps(sharing[index], list(year_lines), several, index > 0)
    steps.append(
        f"In total you pay {money(sums.patient_pays)} and the plan pays {money(sums.plan_pays)}."
    )
    return steps


def _benefit_year_steps(
    year: BenefitYear, lines: list[DayLine], several: bool, is_later: bool
) -> list[str]:
    steps = []
    if several and year.starts_on is not None:
        restart = "" if not is_later or year.deductible_met or year.out_of_pocket_met else (
            ": the deductible and out-of-pocket amounts start again from $0.00"
        )  # fmt: skip
        steps.append(
            f"Benefit year starting {year.starts_on:%B} {year.starts_on.day},"
            f" {year.starts_on.year} ({len(lines)} treatment days){restart}."
        )
    remaining = max(year.deductible - year.deductible_met, ZERO)
    if year.deductible == 0:
        steps.append("There is no deductible: cost sharing starts on the first day.")
    elif remaining == 0:
        steps.append(f"Your {money(year.deductible)} deductible is already met.")
    else:
        used_up = next((line for line in lines if line.deductible_met >= year.deductible), None)
        when = (
            f"it is used up on {day(used_up.date, used_up.number)}"
            if used_up is not None
            else f"{money(year.deductible - lines[-1].deductible_met)} of it is still left"
            " after the last day"
        )
        steps.append(
            f"First you pay what remains of your {money(year.deductible)} deductible"
            f" ({money(year.deductible_met)} already met): {money(remaining)}; {when}."
        )
    if year.copay_per_day is not None:
        steps.append(
            f"After the deductible you pay a copay of {money(year.copay_per_day)} per treatment"
            " day, and the plan pays the rest of the day."
        )
    elif year.coinsurance_rate > 0:
        steps.append(
            f"After the deductible you pay {percent(year.coinsurance_rate)} of each day's charge"
            " (coinsurance), and the plan pays the rest."
        )
    else:
        steps.append("After the deductible the plan pays the whole charge.")
    if year.out_of_pocket_max is not None:
        reached = next(
            (line for line in lines if line.out_of_pocket_met >= year.out_of_pocket_max), None
        )
        cap = (
            f"you reach it on {day(reached.date, reached.number)}, and the plan pays everything"
            " after that"
            if reached is not None
            else f"you do not reach it: {money(lines[-1].out_of_pocket_met)} is paid by the last"
            " day"
        )
        steps.append(
            f"You never pay more than your out-of-pocket maximum of"
            f" {money(year.out_of_pocket_max)} a benefit year"
            f" ({money(year.out_of_pocket_met)} already paid); {cap}."
        )
    return steps
