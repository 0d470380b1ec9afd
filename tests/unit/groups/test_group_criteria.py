"""Membership criteria of specialized groups (domain reference §4)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from app.groups.criteria import Criterion, meets_criteria, unmet_criteria


def make_criterion(
    *, attribute: str = "age", operator: str = "equals", value: object = None
) -> Criterion:
    return Criterion.model_validate({"attribute": attribute, "operator": operator, "value": value})


def make_profile(**overrides: object) -> dict[str, object]:
    profile: dict[str, object] = {
        "age": 34,
        "sex": "male",
        "gender_identity": "man",
        "is_veteran": False,
        "tags": [],
    }
    return profile | overrides


ADOLESCENTS = make_criterion(attribute="age", operator="between", value=[13, 17])
WOMEN = make_criterion(attribute="sex", operator="in", value=["female"])
VETERANS = make_criterion(attribute="is_veteran", operator="is_true")
LGBTQ = make_criterion(attribute="tags", operator="contains", value="lgbtq")


@pytest.mark.parametrize(
    ("criterion", "profile", "is_met"),
    [
        pytest.param(ADOLESCENTS, make_profile(age=15), True, id="fifteen_is_an_adolescent"),
        pytest.param(ADOLESCENTS, make_profile(age=13), True, id="thirteen_is_the_low_bound"),
        pytest.param(ADOLESCENTS, make_profile(age=17), True, id="seventeen_is_the_high_bound"),
        pytest.param(ADOLESCENTS, make_profile(age=18), False, id="eighteen_is_an_adult"),
        pytest.param(
            ADOLESCENTS, make_profile(age=12.5), False, id="twelve_and_a_half_is_too_young"
        ),
        pytest.param(ADOLESCENTS, make_profile(age="15"), False, id="age_as_text_is_not_a_number"),
        pytest.param(WOMEN, make_profile(sex="female"), True, id="woman_fits_women_group"),
        pytest.param(WOMEN, make_profile(sex="Female"), True, id="text_ignores_case"),
        pytest.param(WOMEN, make_profile(sex="male"), False, id="man_does_not_fit_women_group"),
        pytest.param(VETERANS, make_profile(is_veteran=True), True, id="veteran_fits"),
        pytest.param(VETERANS, make_profile(is_veteran=False), False, id="civilian_does_not_fit"),
        pytest.param(VETERANS, make_profile(is_veteran=1), False, id="one_is_not_true"),
        pytest.param(VETERANS, make_profile(is_veteran="yes"), False, id="yes_is_not_true"),
        pytest.param(LGBTQ, make_profile(tags=["lgbtq", "co_occurring"]), True, id="tag_present"),
        pytest.param(LGBTQ, make_profile(tags=["trauma_survivor"]), False, id="tag_absent"),
        pytest.param(LGBTQ, make_profile(tags="not_lgbtq"), False, id="tags_are_not_substrings"),
        pytest.param(
            make_criterion(attribute="gender_identity", operator="equals", value="woman"),
            make_profile(gender_identity="woman"),
            True,
            id="equals_matches_same_text",
        ),
        pytest.param(
            make_criterion(attribute="age", operator="equals", value=1),
            make_profile(age=True),
            False,
            id="true_never_equals_one",
        ),
        pytest.param(
            make_criterion(attribute="age", operator="equals", value=16),
            make_profile(age=16.0),
            True,
            id="sixteen_equals_sixteen_point_zero",
        ),
    ],
)
def test_criterion_admits_only_profiles_that_fit(
    criterion: Criterion, profile: dict[str, object], is_met: bool
) -> None:
    assert meets_criteria([criterion], profile) is is_met


@pytest.mark.parametrize("criterion", [ADOLESCENTS, WOMEN, VETERANS, LGBTQ])
def test_attribute_missing_from_profile_is_not_met(criterion: Criterion) -> None:
    assert unmet_criteria([criterion], {}) == [f"{criterion.describe()} (not recorded)"]


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        (ADOLESCENTS, "age must be between 13 and 17"),
        (WOMEN, "sex must be one of: female"),
        (VETERANS, "is_veteran must be true"),
        (LGBTQ, "tags must include lgbtq"),
        (make_criterion(attribute="sex", operator="equals", value="male"), "sex must be male"),
    ],
)
def test_unmet_criterion_is_explained_in_one_short_sentence(
    criterion: Criterion, message: str
) -> None:
    profile = make_profile(age=40, sex="other", is_veteran=False, tags=[])
    assert unmet_criteria([criterion], profile) == [message]


def test_every_unmet_criterion_is_reported_in_order() -> None:
    profile = make_profile(age=40, sex="male", is_veteran=True)
    assert unmet_criteria([ADOLESCENTS, VETERANS, WOMEN], profile) == [
        "age must be between 13 and 17",
        "sex must be one of: female",
    ]


def test_group_without_criteria_admits_anyone() -> None:
    assert meets_criteria([], {})


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        pytest.param("is_true", True, id="is_true_takes_no_value"),
        pytest.param("equals", None, id="equals_needs_a_value"),
        pytest.param("equals", ["female"], id="equals_takes_one_value"),
        pytest.param("contains", ["lgbtq"], id="contains_takes_one_value"),
        pytest.param("in", [], id="in_needs_options"),
        pytest.param("in", "female", id="in_needs_a_list"),
        pytest.param("between", [13], id="between_needs_two_bounds"),
        pytest.param("between", [13, 15, 17], id="between_takes_only_two_bounds"),
        pytest.param("between", ["13", "17"], id="between_needs_numbers"),
        pytest.param("between", [True, 17], id="between_refuses_booleans"),
        pytest.param("between", [17, 13], id="between_low_must_not_exceed_high"),
        pytest.param("matches", "x", id="unknown_operator"),
    ],
)
def test_criterion_refuses_a_value_of_the_wrong_shape(operator: str, value: object) -> None:
    with pytest.raises(ValidationError):
        make_criterion(operator=operator, value=value)


def test_criterion_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        Criterion.model_validate({"attribute": "age", "operator": "is_true", "negate": True})


def test_documented_examples_are_valid_criteria() -> None:
    examples = Criterion.model_json_schema()["examples"]
    assert [Criterion.model_validate(example) for example in examples]


ATTRIBUTES = ["age", "sex", "gender_identity", "is_veteran", "tags"]
scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-5, max_value=120),
    st.floats(min_value=-5, max_value=120, allow_nan=False),
    st.sampled_from(["female", "male", "woman", "lgbtq", "trauma_survivor", "co_occurring"]),
)
numbers = st.one_of(st.integers(-5, 120), st.floats(min_value=-5, max_value=120))
values_by_operator = {
    "equals": scalars,
    "contains": scalars,
    "in": st.lists(scalars, min_size=1, max_size=3),
    "between": st.tuples(numbers, numbers).map(sorted),
    "is_true": st.none(),
}
criteria_lists = st.lists(
    st.sampled_from(list(values_by_operator)).flatmap(
        lambda operator: st.builds(
            make_criterion,
            attribute=st.sampled_from(ATTRIBUTES),
            operator=st.just(operator),
            value=values_by_operator[operator],
        )
    ),
    max_size=4,
)
profiles = st.dictionaries(
    st.sampled_from(ATTRIBUTES),
    st.one_of(st.none(), scalars, st.lists(scalars, max_size=3)),
)


@given(
    criteria=criteria_lists,
    profile=profiles,
    unrelated=st.text(min_size=1).filter(lambda name: name not in ATTRIBUTES),
    unrelated_value=st.one_of(st.none(), scalars, st.lists(scalars, max_size=3)),
)
def test_unrelated_attribute_never_changes_the_verdict(
    criteria: list[Criterion], profile: dict[str, object], unrelated: str, unrelated_value: object
) -> None:
    with_unrelated = profile | {unrelated: unrelated_value}
    assert unmet_criteria(criteria, with_unrelated) == unmet_criteria(criteria, profile)


@given(criteria=criteria_lists, profile=profiles)
def test_profile_meets_a_list_exactly_when_it_meets_each_criterion(
    criteria: list[Criterion], profile: dict[str, object]
) -> None:
    each = all(meets_criteria([criterion], profile) for criterion in criteria)
    assert meets_criteria(criteria, profile) is each
