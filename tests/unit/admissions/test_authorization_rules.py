"""The rules of payers' prior authorizations: which terms can stand, what a concurrent review
may change, and which authorization is in force."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.admissions.authorization_rules import Terms, extension_errors, in_force, terms_errors

TODAY = date(2026, 3, 2)
CURRENT = Terms(20, date(2026, 3, 2), date(2026, 4, 30), date(2026, 4, 6), "PA-1")


@pytest.mark.parametrize(
    ("terms", "codes"),
    [
        (Terms(20, date(2026, 3, 2), date(2026, 4, 30), date(2026, 4, 6)), set()),
        (Terms(5, date(2026, 3, 9), date(2026, 3, 6)), {"ends_before_start"}),
        (Terms(6, date(2026, 3, 2), date(2026, 3, 6)), {"days_do_not_fit"}),
        (
            Terms(5, date(2026, 3, 2), date(2026, 3, 31), date(2026, 4, 6)),
            {"review_outside_period"},
        ),
        (Terms(5, date(2026, 2, 2), date(2026, 2, 27)), {"already_ended"}),
        (Terms(5, date(2026, 3, 2), date(2026, 12, 31)), {"period_too_long"}),
    ],
)
def test_terms_that_cannot_stand_say_why(terms: Terms, codes: set[str]) -> None:
    assert {error.code for error in terms_errors(terms, TODAY, max_days=180)} == codes


@pytest.mark.parametrize(
    ("days", "ends_on", "codes"),
    [
        (30, date(2026, 5, 29), set()),
        (30, date(2026, 4, 30), set()),  # more days only
        (20, date(2026, 5, 29), set()),  # a later end only
        (20, date(2026, 4, 30), {"no_extension"}),
        (15, date(2026, 5, 29), {"fewer_days"}),
        (30, date(2026, 4, 20), {"earlier_end"}),
        (15, date(2026, 4, 20), {"fewer_days", "earlier_end"}),
    ],
)
def test_a_concurrent_review_only_extends(days: int, ends_on: date, codes: set[str]) -> None:
    extended = Terms(days, CURRENT.starts_on, ends_on)
    assert {error.code for error in extension_errors(CURRENT, extended)} == codes


@given(
    more_days=st.integers(min_value=0, max_value=100),
    more_calendar_days=st.integers(min_value=0, max_value=100),
)
def test_any_review_with_more_days_or_a_later_end_extends(
    more_days: int, more_calendar_days: int
) -> None:
    extended = Terms(
        CURRENT.authorized_days + more_days,
        CURRENT.starts_on,
        CURRENT.ends_on + timedelta(days=more_calendar_days),
    )
    errors = extension_errors(CURRENT, extended)
    assert (errors == []) == (more_days > 0 or more_calendar_days > 0)


@given(st.lists(st.sampled_from(["approved", "denied"]), max_size=8), st.booleans())
def test_the_latest_approval_is_in_force_and_a_denial_changes_nothing(
    decisions: list[str], approved_at_admission: bool
) -> None:
    approval = Terms(2, date(2026, 3, 2), date(2026, 3, 20)) if approved_at_admission else None
    recorded = [
        (decision, Terms(index + 1, date(2026, 3, 2), date(2026, 4, 30)) if decision == "approved"
         else None)
        for index, decision in enumerate(decisions)
    ]  # fmt: skip
    approved = [terms for decision, terms in recorded if decision == "approved"]
    assert in_force(recorded, approval) == (approved[-1] if approved else approval)
