"""Splitting patients into groups within the size bounds (domain reference §4)."""

from collections import Counter
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from app.groups.criteria import Criterion, meets_criteria
from app.groups.sizing_rules import (
    SizingPatient,
    SizingPlan,
    SizingRequest,
    Specialization,
    group_sizes,
    plan_groups,
)

VETERANS = Specialization(
    name="veterans", criteria=[Criterion(attribute="is_veteran", operator="is_true")]
)
WOMEN = Specialization(
    name="women", criteria=[Criterion(attribute="sex", operator="in", value=["female"])]
)
ADOLESCENTS = Specialization(
    name="adolescents",
    criteria=[Criterion(attribute="age", operator="between", value=[13, 17])],
)
LGBTQ = Specialization(
    name="lgbtq", criteria=[Criterion(attribute="tags", operator="contains", value="lgbtq")]
)
ADULTS_ONLY_GENERAL = Specialization(
    name=None, criteria=[Criterion(attribute="age", operator="between", value=[18, 120])]
)


def make_patients(
    count: int,
    *,
    prefix: str = "p",
    specialization: str | None = None,
    profile: Mapping[str, object] | None = None,
) -> list[SizingPatient]:
    return [
        SizingPatient(
            patient_id=f"{prefix}{number}", specialization=specialization, profile=profile
        )
        for number in range(1, count + 1)
    ]


def make_request(
    patients: list[SizingPatient],
    *,
    min_size: int = 8,
    max_size: int = 15,
    specializations: tuple[Specialization, ...] = (VETERANS, WOMEN),
) -> SizingRequest:
    return SizingRequest(
        min_size=min_size,
        max_size=max_size,
        specializations=list(specializations),
        patients=patients,
    )


def sizes(plan: SizingPlan) -> list[int]:
    return [len(group.patient_ids) for group in plan.proposed_groups]


@pytest.mark.parametrize(
    ("count", "min_size", "max_size", "expected"),
    [
        pytest.param(31, 8, 15, [11, 10, 10], id="thirty_one_make_eleven_ten_ten"),
        pytest.param(30, 8, 15, [15, 15], id="thirty_fill_two_groups"),
        pytest.param(23, 8, 15, [12, 11], id="twenty_three_make_twelve_and_eleven"),
        pytest.param(16, 8, 15, [8, 8], id="sixteen_make_two_of_eight"),
        pytest.param(15, 8, 15, [15], id="fifteen_fill_one_group"),
        pytest.param(8, 8, 15, [8], id="eight_start_one_group"),
        pytest.param(5, 8, 15, [], id="five_are_too_few"),
        pytest.param(0, 8, 15, [], id="nobody_makes_no_group"),
        pytest.param(16, 9, 15, [15], id="sixteen_with_nine_to_fifteen_fill_one"),
        pytest.param(13, 6, 12, [7, 6], id="tip_41_bounds_split_thirteen"),
    ],
)
def test_group_sizes_are_as_even_as_the_bounds_allow(
    count: int, min_size: int, max_size: int, expected: list[int]
) -> None:
    assert group_sizes(count, min_size, max_size) == expected


def test_thirty_one_patients_make_groups_of_eleven_ten_and_ten() -> None:
    plan = plan_groups(make_request(make_patients(31)))
    assert sizes(plan) == [11, 10, 10]
    assert plan.proposed_groups[0].patient_ids == [f"p{n}" for n in range(1, 12)]
    assert plan.unplaced == []


def test_five_veterans_are_too_few_for_a_group() -> None:
    plan = plan_groups(make_request(make_patients(5, specialization="veterans")))
    assert plan.proposed_groups == []
    assert [(u.patient_id, u.reason_code) for u in plan.unplaced] == [
        (f"p{n}", "too_few_for_group") for n in range(1, 6)
    ]
    assert plan.unplaced[0].message == (
        "Only 5 patients for the veterans group; a group needs at least 8."
    )


def test_sixteen_patients_with_nine_to_fifteen_leave_the_last_for_the_next_group() -> None:
    plan = plan_groups(make_request(make_patients(16), min_size=9, max_size=15))
    assert sizes(plan) == [15]
    assert [(u.patient_id, u.reason_code) for u in plan.unplaced] == [("p16", "no_complete_group")]


def test_patients_stay_within_their_specialization() -> None:
    patients = make_patients(8, prefix="v", specialization="veterans") + make_patients(10)
    plan = plan_groups(make_request(patients))
    assert [(group.specialization, len(group.patient_ids)) for group in plan.proposed_groups] == [
        ("veterans", 8),
        (None, 10),
    ]


def test_patient_who_does_not_fit_the_criteria_is_not_placed() -> None:
    veterans = make_patients(8, specialization="veterans", profile={"is_veteran": True})
    civilian = SizingPatient(
        patient_id="c1", specialization="veterans", profile={"is_veteran": False}
    )
    plan = plan_groups(make_request([*veterans, civilian]))
    assert sizes(plan) == [8]
    assert plan.unplaced[0].reason_code == "criteria_not_met"
    assert plan.unplaced[0].message == "Does not fit the veterans group: is_veteran must be true."


def test_patient_without_a_profile_is_trusted_to_fit() -> None:
    plan = plan_groups(make_request(make_patients(8, specialization="women")))
    assert sizes(plan) == [8]


def test_general_group_can_be_given_criteria() -> None:
    adults = make_patients(8, profile={"age": 40})
    teen = SizingPatient(patient_id="t1", profile={"age": 15})
    plan = plan_groups(make_request([*adults, teen], specializations=(ADULTS_ONLY_GENERAL,)))
    assert [(u.patient_id, u.reason_code) for u in plan.unplaced] == [("t1", "criteria_not_met")]


def test_unknown_specialization_is_reported_not_guessed() -> None:
    plan = plan_groups(make_request(make_patients(9, specialization="equine")))
    assert {u.reason_code for u in plan.unplaced} == {"unknown_specialization"}
    assert plan.unplaced[0].message == "No specialization named 'equine' in this request."


def test_unplaced_patients_are_listed_in_the_order_given() -> None:
    patients = [
        *make_patients(1, prefix="v", specialization="veterans"),
        *make_patients(1, prefix="x", specialization="equine"),
        *make_patients(1, prefix="g"),
    ]
    plan = plan_groups(make_request(patients))
    assert [u.patient_id for u in plan.unplaced] == ["v1", "x1", "g1"]


@pytest.mark.parametrize(
    "request_fields",
    [
        pytest.param({"min_size": 16, "max_size": 15}, id="minimum_above_maximum"),
        pytest.param({"min_size": 0, "max_size": 15}, id="empty_groups"),
        pytest.param(
            {"specializations": [{"name": "women"}, {"name": "women"}]}, id="duplicate_names"
        ),
        pytest.param(
            {"patients": [{"patient_id": "p1"}, {"patient_id": "p1"}]}, id="duplicate_patients"
        ),
        pytest.param({"patients": [], "group_count": 3}, id="unknown_field"),
    ],
)
def test_inconsistent_sizing_request_is_refused(request_fields: dict[str, object]) -> None:
    fields: dict[str, object] = {"min_size": 8, "max_size": 15, "patients": []}
    with pytest.raises(ValidationError):
        SizingRequest.model_validate(fields | request_fields)


profiles = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "age": st.integers(min_value=10, max_value=80),
            "sex": st.sampled_from(["female", "male"]),
            "is_veteran": st.booleans(),
            "tags": st.lists(st.sampled_from(["lgbtq", "trauma_survivor", "co_occurring"])),
        }
    ),
)


@st.composite
def sizing_requests(draw: st.DrawFn) -> SizingRequest:
    min_size = draw(st.integers(min_value=1, max_value=9))
    # Narrow bounds too, so some counts fit no number of groups (16 with 9 to 15).
    max_size = min_size + draw(st.integers(min_value=0, max_value=8))
    specializations = draw(
        st.lists(
            st.sampled_from([VETERANS, WOMEN, ADOLESCENTS, LGBTQ, ADULTS_ONLY_GENERAL]),
            unique_by=lambda specialization: specialization.name,
        )
    )
    # Mostly declared names, sometimes one the request does not know.
    names = [None, *(spec.name for spec in specializations)]
    requested = st.one_of(st.sampled_from(names), st.sampled_from(names), st.just("equine"))
    rows = draw(st.lists(st.tuples(requested, profiles), max_size=80))
    patients = [
        SizingPatient(patient_id=f"p{number}", specialization=name, profile=profile)
        for number, (name, profile) in enumerate(rows)
    ]
    return make_request(
        patients, min_size=min_size, max_size=max_size, specializations=tuple(specializations)
    )


def placed_ids(plan: SizingPlan) -> list[str]:
    return [patient_id for group in plan.proposed_groups for patient_id in group.patient_ids]


@given(sizing_requests())
def test_every_proposed_group_is_within_bounds(sizing: SizingRequest) -> None:
    plan = plan_groups(sizing)
    assert all(sizing.min_size <= size <= sizing.max_size for size in sizes(plan))


@given(sizing_requests())
def test_nobody_is_placed_twice(sizing: SizingRequest) -> None:
    plan = plan_groups(sizing)
    everyone = placed_ids(plan) + [u.patient_id for u in plan.unplaced]
    assert len(everyone) == len(set(everyone))


@given(sizing_requests())
def test_nobody_is_lost(sizing: SizingRequest) -> None:
    plan = plan_groups(sizing)
    everyone = placed_ids(plan) + [u.patient_id for u in plan.unplaced]
    assert Counter(everyone) == Counter(p.patient_id for p in sizing.patients)


@given(sizing_requests())
def test_nobody_is_placed_against_criteria_or_outside_their_specialization(
    sizing: SizingRequest,
) -> None:
    patients = {patient.patient_id: patient for patient in sizing.patients}
    criteria = {spec.name: spec.criteria for spec in sizing.specializations}
    for group in plan_groups(sizing).proposed_groups:
        for patient_id in group.patient_ids:
            patient = patients[patient_id]
            assert patient.specialization == group.specialization
            if patient.profile is not None:
                assert meets_criteria(criteria.get(group.specialization, []), patient.profile)


@given(sizing_requests())
def test_group_sizes_within_a_specialization_differ_by_at_most_one(
    sizing: SizingRequest,
) -> None:
    sizes_by_name: dict[str | None, list[int]] = {}
    for group in plan_groups(sizing).proposed_groups:
        sizes_by_name.setdefault(group.specialization, []).append(len(group.patient_ids))
    assert all(max(found) - min(found) <= 1 for found in sizes_by_name.values())


@given(
    count=st.integers(min_value=0, max_value=300),
    min_size=st.integers(min_value=1, max_value=15),
    spread=st.integers(min_value=0, max_value=15),
)
def test_patients_left_over_are_always_too_few_for_another_group(
    count: int, min_size: int, spread: int
) -> None:
    left_over = count - sum(group_sizes(count, min_size, min_size + spread))
    assert 0 <= left_over < min_size


@given(sizing_requests())
def test_same_request_always_gives_the_same_plan(sizing: SizingRequest) -> None:
    assert plan_groups(sizing) == plan_groups(sizing.model_copy(deep=True))
