"""Plan validation: intensity (docs/domain.md §2), staff, rooms and the patient's other
commitments (§4)."""

import datetime as dt
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.programs.settings import ProgramSettings
from app.scheduling.rules.plan import PlanContext, PlanSession, StaffQualification
from app.scheduling.rules.validation import seats_needed, validate_plan
from app.vocabulary import Modality, SessionKind, Weekday

from .factories import (
    GROUP_ROOM,
    THERAPIST,
    WEEKDAYS,
    make_busy,
    make_context,
    make_session,
    make_settings,
    make_week,
)


def codes(
    sessions: list[PlanSession], *, settings: ProgramSettings | None = None, **context: Any
) -> list[str]:
    """The sorted violation codes of a plan in `make_context(**context)`."""
    check = validate_plan(sessions, make_context(**context), settings or make_settings())
    return sorted(violation.code for violation in check.violations)


def test_three_evenings_of_three_hours_make_an_accepted_plan() -> None:
    check = validate_plan(make_week(), make_context(), make_settings())

    assert check.is_accepted
    assert check.flags == []
    assert (check.days_per_week, check.weekly_hours) == (3, 9.0)


@pytest.mark.parametrize(
    ("sessions", "context", "expected"),
    [
        pytest.param(
            make_week("monday", "wednesday", minutes=300), {}, "days_per_week_below_minimum",
            id="two days a week are too few",
        ),
        pytest.param(
            make_week(*(day.value for day in WEEKDAYS), minutes=120), {},
            "days_per_week_above_maximum", id="six days a week are too many",
        ),
        pytest.param(
            make_week(minutes=120), {}, "weekly_hours_below_minimum",
            id="six hours a week are too few for an adult",
        ),
        pytest.param(
            make_week(minutes=100), {"is_adolescent": True}, "weekly_hours_below_minimum",
            id="five hours a week are too few even for an adolescent",
        ),
        pytest.param(
            make_week("monday", "tuesday", "wednesday", "thursday", "friday", minutes=240), {},
            "weekly_hours_above_maximum", id="twenty hours a week is partial hospitalization",
        ),
        pytest.param(
            [*make_week(), make_session(weekday="monday", start="19:00", minutes=60,
                                        kind="individual")],
            {}, "overlapping_sessions", id="two sessions at once",
        ),
        pytest.param(
            make_week("monday", "wednesday", "sunday"), {}, "outside_operating_hours",
            id="a session on a closed day",
        ),
        pytest.param(
            make_week(start="20:00"), {}, "outside_operating_hours",
            id="a session running past closing time",
        ),
        pytest.param(
            make_week(start="07:00"), {}, "outside_operating_hours",
            id="a session starting before opening time",
        ),
        pytest.param(
            make_week(kind="individual"), {"kinds": ["group"]}, "staff_not_qualified",
            id="a group therapist giving individual therapy",
        ),
        pytest.param(
            make_week(kind="complementary", therapy="equine"), {}, "staff_not_qualified",
            id="a complementary therapy the staff is not trained in",
        ),
        pytest.param(
            make_week(kind="complementary"), {}, "staff_not_qualified",
            id="a complementary session naming no therapy",
        ),
        pytest.param(
            make_week(staff_id=UUID(int=99)), {}, "staff_not_qualified", id="unknown staff",
        ),
        pytest.param(
            make_week(), {"staff_busy": [make_busy(start="20:30", end="21:30")]},
            "staff_double_booked", id="the therapist already has another session",
        ),
        pytest.param(
            make_week(), {"room_load": [(make_busy(start="18:00", end="19:00"), 6)]},
            "room_over_capacity", id="a full group in a room already partly taken",
        ),
        pytest.param(
            make_week(room_id=UUID(int=98)), {}, "room_over_capacity", id="an unknown room",
        ),
        pytest.param(
            make_week(), {"patient_busy": [make_busy(start="17:00", end="18:30", label="work")]},
            "patient_double_booked", id="the patient is at work",
        ),
        pytest.param(
            [*make_week(), make_session(weekday="monday", start="09:00", minutes=30)], {},
            "session_too_short", id="a half-hour session",
        ),
        pytest.param([], {}, "empty_plan", id="no sessions"),
    ],
)  # fmt: skip
def test_a_plan_breaking_a_rule_names_it(
    sessions: list[PlanSession], context: dict[str, Any], expected: str
) -> None:
    assert expected in codes(sessions, **context)


def test_a_short_treatment_day_fails_only_when_the_payer_minimum_is_on() -> None:
    five_short_days = make_week("monday", "tuesday", "wednesday", "thursday", "friday", minutes=120)

    assert codes(five_short_days) == []
    assert (
        codes(five_short_days, settings=make_settings(min_hours_per_day=3))
        == ["daily_hours_below_minimum"] * 5
    )


def test_six_hours_a_week_are_enough_for_an_adolescent() -> None:
    assert codes(make_week(minutes=120), is_adolescent=True) == []


def test_every_violation_is_listed_not_only_the_first() -> None:
    sessions = [make_session(weekday="sunday", minutes=30, staff_id=UUID(int=99))]

    assert codes(sessions) == [
        "days_per_week_below_minimum",
        "outside_operating_hours",
        "session_too_short",
        "staff_not_qualified",
        "weekly_hours_below_minimum",
    ]


def test_an_empty_plan_says_so_instead_of_listing_every_minimum() -> None:
    assert codes([]) == ["empty_plan"]


@pytest.mark.parametrize("weeks", [1, 2])
def test_a_patient_stepping_down_may_be_below_the_weekly_minimum_during_the_grace(
    weeks: int,
) -> None:
    context = make_context(is_stepping_down=True, weeks=weeks)

    check = validate_plan(make_week(minutes=120), context, make_settings())

    assert check.is_accepted
    assert [flag.code for flag in check.flags] == ["step_down_grace"]


def test_a_step_down_plan_longer_than_the_grace_keeps_the_weekly_minimum() -> None:
    assert codes(make_week(minutes=120), is_stepping_down=True, weeks=3) == [
        "weekly_hours_below_minimum"
    ]


def test_a_patient_not_stepping_down_gets_no_grace() -> None:
    assert codes(make_week(minutes=120), weeks=1) == ["weekly_hours_below_minimum"]


def test_telehealth_needs_no_room() -> None:
    check = validate_plan(
        make_week(modality="telehealth"), make_context(room_capacity=0), make_settings()
    )

    assert check.is_accepted
    assert check.flags == []


def test_sessions_without_staff_or_room_are_accepted_but_flagged() -> None:
    check = validate_plan(make_week(staff_id=None, room_id=None), make_context(), make_settings())

    assert check.is_accepted
    assert sorted({flag.code for flag in check.flags}) == [
        "room_not_assigned",
        "staff_not_assigned",
    ]


def test_back_to_back_sessions_do_not_overlap() -> None:
    sessions = [*make_week(), make_session(weekday="monday", start="21:00", minutes=60)]

    assert codes(sessions) == []


def test_a_session_may_end_exactly_at_closing_time() -> None:
    assert codes(make_week(start="19:00")) == []


def test_groups_meeting_one_after_the_other_do_not_share_seats() -> None:
    # 15 seats for the patient's group; 5 then 5 in the room, never 10 at once.
    earlier = (make_busy(start="18:00", end="19:30"), 5)
    later = (make_busy(start="19:30", end="21:00"), 5)

    assert codes(make_week(), room_load=[earlier, later]) == []
    assert codes(make_week(), room_load=[earlier, later, earlier]) == ["room_over_capacity"]


def test_complementary_training_matches_regardless_of_case() -> None:
    assert codes(make_week(kind="complementary", therapy="Music")) == []


@pytest.mark.parametrize(
    ("session", "expected"),
    [
        (make_session(kind="group"), 15),
        (make_session(kind="education"), 15),
        (make_session(kind="complementary", group_id=UUID(int=7)), 15),
        (make_session(kind="individual"), 2),
        (make_session(kind="complementary"), 2),
        (make_session(kind="family"), 4),
        (make_session(kind="group", seats=9), 9),
    ],
)
def test_a_session_takes_its_own_seats_or_a_default_by_kind(
    session: PlanSession, expected: int
) -> None:
    assert seats_needed(session, make_settings()) == expected


def test_weekday_round_trips_through_python_weekday_numbers() -> None:
    assert [Weekday.from_number(day.number) for day in Weekday] == list(Weekday)
    assert Weekday.from_number(0) is Weekday.MONDAY
    with pytest.raises(ValueError, match="0 to 6"):
        Weekday.from_number(7)


def test_staff_qualification_is_per_staff_member() -> None:
    other = UUID(int=5)
    staff = {
        THERAPIST: StaffQualification(kinds=frozenset({SessionKind.GROUP})),
        other: StaffQualification(kinds=frozenset({SessionKind.INDIVIDUAL})),
    }
    sessions = [*make_week(), make_session(weekday="tuesday", kind="individual", staff_id=other)]

    assert codes(sessions, staff=staff) == []


# Property tests: a program open every day from 07:00 to 23:00 with a therapist trained for
# everything, so that a random plan of one to seven treatment days (one or two sessions each)
# is accepted or rejected mostly on intensity, overlaps and the patient's other commitments.
def at_half_hours(first_hour: int, last_hour: int) -> st.SearchStrategy[dt.time]:
    hours = range(first_hour, last_hour + 1)
    return st.sampled_from([dt.time(hour, minute) for hour in hours for minute in (0, 30)])


def sessions_on(
    weekday: Weekday, start_time: st.SearchStrategy[dt.time]
) -> st.SearchStrategy[PlanSession]:
    return st.builds(
        PlanSession,
        weekday=st.just(weekday),
        start_time=start_time,
        duration_minutes=st.sampled_from([60, 90, 120, 150, 180, 240]),
        kind=st.sampled_from(SessionKind),
        modality=st.sampled_from(Modality),
        staff_id=st.sampled_from([THERAPIST, None]),
        room_id=st.sampled_from([GROUP_ROOM, None]),
        therapy=st.just("music"),
    )


@st.composite
def weekly_plans(draw: st.DrawFn) -> list[PlanSession]:
    weekdays = draw(st.lists(st.sampled_from(Weekday), min_size=1, max_size=7, unique=True))
    sessions = [draw(sessions_on(day, at_half_hours(8, 11))) for day in weekdays]
    for day in draw(st.lists(st.sampled_from(weekdays), unique=True)):
        sessions.append(draw(sessions_on(day, at_half_hours(12, 19))))
    return sessions


def open_all_week(**overrides: Any) -> PlanContext:
    return make_context(open_days=list(Weekday), opens="07:00", closes="23:00", **overrides)


@given(sessions=weekly_plans(), is_adolescent=st.booleans())
def test_an_accepted_plan_has_three_to_five_days_and_nine_to_nineteen_hours_by_default(
    sessions: list[PlanSession], is_adolescent: bool
) -> None:
    check = validate_plan(sessions, open_all_week(is_adolescent=is_adolescent), make_settings())

    if check.is_accepted:
        assert 3 <= len({session.weekday for session in sessions}) <= 5
        assert (6 if is_adolescent else 9) <= check.weekly_hours <= 19


@given(sessions=weekly_plans(), data=st.data())
def test_validation_does_not_depend_on_the_order_of_sessions(
    sessions: list[PlanSession], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(sessions))
    context = open_all_week(
        patient_busy=[make_busy(weekday="tuesday", start="09:00", end="17:00")],
        staff_busy=[make_busy(weekday="thursday", start="12:00", end="14:00")],
        room_load=[(make_busy(weekday="wednesday", start="10:00", end="12:00"), 10)],
    )

    first = validate_plan(sessions, context, make_settings())
    second = validate_plan(shuffled, context, make_settings())

    assert sorted(v.code for v in first.violations) == sorted(v.code for v in second.violations)
    assert sorted(f.code for f in first.flags) == sorted(f.code for f in second.flags)
    assert (first.days_per_week, first.weekly_hours) == (second.days_per_week, second.weekly_hours)
