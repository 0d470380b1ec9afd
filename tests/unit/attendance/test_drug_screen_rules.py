"""A positive drug screen in the compliance rules: a review, or by policy a recommended
administrative discharge, until a later screen is not positive (docs/domain.md §5)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.attendance.rules import (
    Authorization,
    ComplianceStatus,
    ReasonCode,
    Screen,
    SessionMark,
    Summary,
    summarize,
)
from app.programs.settings import ProgramSettings
from app.vocabulary import AttendanceStatus

MONDAY = dt.date(2026, 3, 2)
TODAY = MONDAY + dt.timedelta(days=3)
DISCHARGING = ProgramSettings(positive_drug_screen_action="recommend_discharge")


def present(day: int) -> SessionMark:
    local = MONDAY + dt.timedelta(days=day)
    start = dt.datetime.combine(local, dt.time(23), dt.UTC)
    return SessionMark(local, start, 180, AttendanceStatus.present, 180)


def run(
    screen: Screen | None, program: ProgramSettings, sessions: list[SessionMark] | None = None
) -> Summary:
    return summarize(
        [present(0), present(2)] if sessions is None else sessions,
        TODAY,
        program,
        is_adolescent=False,
        started_on=MONDAY,
        plan_ends_on=None,
        authorization=Authorization(),
        holidays={},
        latest_screen=screen,
    )


POSITIVE = Screen("s1", MONDAY, is_positive=True)
NEGATIVE = Screen("s2", MONDAY, is_positive=False)


@pytest.mark.parametrize(
    ("screen", "program", "status", "discharge"),
    [
        (None, ProgramSettings(), ComplianceStatus.compliant, None),
        (NEGATIVE, ProgramSettings(), ComplianceStatus.compliant, None),
        (NEGATIVE, DISCHARGING, ComplianceStatus.compliant, None),
        (POSITIVE, ProgramSettings(), ComplianceStatus.at_risk, None),
        (POSITIVE, DISCHARGING, ComplianceStatus.pending_discharge, "administrative"),
    ],
)
def test_the_latest_screen_and_the_policy_decide_the_status(
    screen: Screen | None,
    program: ProgramSettings,
    status: ComplianceStatus,
    discharge: str | None,
) -> None:
    summary = run(screen, program)

    assert (summary.status, summary.suggested_discharge_type) == (status, discharge)
    positive = [r for r in summary.reasons if r.code == ReasonCode.positive_drug_screen]
    assert [r.occurrence for r in positive] == (["s1"] if screen is POSITIVE else [])


@settings(deadline=None)
@given(
    is_positive=st.booleans(),
    action=st.sampled_from(["review", "recommend_discharge"]),
    attended_days=st.sets(st.integers(0, 3)),
)
def test_a_positive_screen_is_always_a_reason_and_never_leaves_a_patient_compliant(
    is_positive: bool, action: str, attended_days: set[int]
) -> None:
    program = ProgramSettings.model_validate({"positive_drug_screen_action": action})
    screen = Screen("s", MONDAY, is_positive=is_positive)

    summary = run(screen, program, [present(day) for day in sorted(attended_days)])

    codes = {r.code for r in summary.reasons}
    assert (ReasonCode.positive_drug_screen in codes) == is_positive
    if is_positive:
        assert summary.status != ComplianceStatus.compliant
    if is_positive and action == "recommend_discharge":
        assert summary.status == ComplianceStatus.pending_discharge
