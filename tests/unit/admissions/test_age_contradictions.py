"""A typed age or date of birth never contradicts the date of birth it is checked against."""

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.admissions.rules import contradictions_of_age
from app.patients.rules import age_on
from tests.unit.admissions.test_eligibility_rules import TODAY, make_assessment

SIXTEEN = date(2010, 1, 5)


@pytest.mark.parametrize(
    ("age", "typed_birth", "fields"),
    [
        pytest.param(None, None, [], id="nothing typed: the record decides"),
        pytest.param(16, None, [], id="the same age"),
        pytest.param(16, SIXTEEN, [], id="the same age and date of birth"),
        pytest.param(34, None, ["age"], id="an adult age for an adolescent"),
        pytest.param(15, None, ["age"], id="a year off"),
        pytest.param(None, date(1991, 7, 14), ["date_of_birth"], id="another date of birth"),
        pytest.param(34, date(1991, 7, 14), ["date_of_birth", "age"], id="both wrong"),
    ],
)
def test_what_contradicts_the_patient_record_is_named(
    age: int | None, typed_birth: date | None, fields: list[str]
) -> None:
    found = contradictions_of_age(
        make_assessment(age=age, date_of_birth=typed_birth), SIXTEEN, TODAY
    )
    assert [c.field for c in found] == fields
    assert all(c.code == "contradicts_patient_record" for c in found)


def test_the_message_names_the_age_and_the_day_but_never_a_date_of_birth() -> None:
    [found] = contradictions_of_age(make_assessment(age=34), SIXTEEN, TODAY)
    assert found.message == (
        "age 34 contradicts the patient record's date_of_birth: the patient is 16 on 2026-03-02."
    )
    typed = make_assessment(age=None, date_of_birth=date(2010, 1, 6))
    [found] = contradictions_of_age(typed, SIXTEEN, TODAY)
    assert "2010" not in found.message


def test_without_a_record_the_assessments_own_date_of_birth_is_the_reference() -> None:
    [found] = contradictions_of_age(make_assessment(age=34, date_of_birth=SIXTEEN), None, TODAY)
    assert (found.field, found.code) == ("age", "contradicts_date_of_birth")
    assert contradictions_of_age(make_assessment(age=34), None, TODAY) == []


@settings(deadline=None)
@given(
    born=st.dates(date(1906, 1, 1), TODAY),
    on=st.dates(date(2020, 1, 1), TODAY),
    typed=st.none() | st.integers(0, 120),
)
def test_an_age_is_refused_exactly_when_it_is_not_the_age_on_the_day(
    born: date, on: date, typed: int | None
) -> None:
    found = contradictions_of_age(make_assessment(age=typed), born, on)
    contradicts = typed is not None and born <= on and typed != age_on(born, on)
    assert bool(found) is contradicts


@settings(deadline=None)
@given(born=st.dates(date(1906, 1, 1), TODAY), shift=st.integers(-40_000, 40_000))
def test_a_typed_date_of_birth_is_refused_exactly_when_it_differs(born: date, shift: int) -> None:
    typed = born + timedelta(days=shift)
    assume(date(1900, 1, 1) <= typed <= date(2100, 12, 31))  # dates the API accepts at all
    found = contradictions_of_age(make_assessment(age=None, date_of_birth=typed), born, TODAY)
    assert [c.field for c in found] == ([] if shift == 0 else ["date_of_birth"])
