"""Age in completed years, as clinics and the adolescent rules count it."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.patients.rules import age_on

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (date(2008, 3, 2), date(2026, 3, 1), 17),
        (date(2008, 3, 2), date(2026, 3, 2), 18),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
    ],
)
def test_a_birthday_completes_a_year(born: date, today: date, age: int) -> None:
    assert age_on(born, today) == age


@given(days, st.integers(min_value=0, max_value=40_000))
def test_age_never_goes_down_and_grows_at_most_one_year_a_day(born: date, lived: int) -> None:
    today = born + timedelta(days=lived)
    if today.year > 2100:
        return
    assert age_on(born, today) >= 0
    assert 0 <= age_on(born, today + timedelta(days=1)) - age_on(born, today) <= 1
