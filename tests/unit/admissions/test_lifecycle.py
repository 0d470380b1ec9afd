"""The admission lifecycle as a table: every state × action, and its invariants."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.admissions.lifecycle import (
    FINAL,
    AdmissionAction,
    after_reassessment,
    allowed_actions,
    decision_allows,
    initial_status,
    next_status,
)
from app.vocabulary import AdmissionStatus

S, A = AdmissionStatus, AdmissionAction
OUTCOMES = ["eligible", "refer_higher", "refer_lower", "incomplete"]

EXPECTED = {
    (S.pending, A.approve): S.approved,
    (S.pending, A.cancel): S.cancelled,
    (S.pending, A.reassess): S.pending,
    (S.referred, A.cancel): S.cancelled,
    (S.referred, A.reassess): S.referred,
    (S.approved, A.start): S.active,
    (S.approved, A.cancel): S.cancelled,
    (S.approved, A.reassess): S.approved,
    (S.active, A.hold): S.on_hold,
    (S.active, A.discharge): S.discharged,
    (S.active, A.reassess): S.active,
    (S.on_hold, A.resume): S.active,
    (S.on_hold, A.discharge): S.discharged,
    (S.on_hold, A.reassess): S.on_hold,
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(A))
def test_each_state_allows_exactly_the_documented_actions(
    status: AdmissionStatus, action: AdmissionAction
) -> None:
    assert next_status(status, action) == EXPECTED.get((status, action))


@pytest.mark.parametrize("status", [S.active, S.on_hold])
def test_treatment_once_started_ends_by_discharge_never_by_cancel(status: AdmissionStatus) -> None:
    assert next_status(status, A.cancel) is None
    assert next_status(status, A.discharge) == S.discharged


@pytest.mark.parametrize(
    ("current", "outcome", "following"),
    [
        (S.referred, "eligible", S.pending),
        (S.referred, "incomplete", S.referred),
        (S.referred, "refer_higher", S.referred),
        (S.referred, "refer_lower", S.referred),
        (S.pending, "refer_higher", S.referred),
        (S.pending, "refer_lower", S.referred),
        (S.pending, "incomplete", S.pending),
        (S.pending, "eligible", S.pending),
        (S.approved, "refer_higher", S.approved),
        (S.active, "refer_higher", S.active),
        (S.on_hold, "refer_lower", S.on_hold),
    ],
)
def test_before_approval_the_state_follows_the_latest_assessment(
    current: AdmissionStatus, outcome: str, following: AdmissionStatus
) -> None:
    assert after_reassessment(current, outcome) == following


@pytest.mark.parametrize("outcome", ["refer_higher", "refer_lower", "incomplete"])
@pytest.mark.parametrize("action", [A.approve, A.start, A.resume])
def test_a_decision_that_does_not_support_iop_stops_every_step_into_treatment(
    outcome: str, action: AdmissionAction
) -> None:
    assert not decision_allows(action, outcome)
    assert decision_allows(action, "eligible")


@pytest.mark.parametrize(
    ("status", "outcome", "actions"),
    [
        (S.pending, "eligible", [A.approve, A.cancel, A.reassess]),
        (S.pending, "incomplete", [A.cancel, A.reassess]),
        (S.referred, "refer_higher", [A.cancel, A.reassess]),
        (S.approved, "eligible", [A.start, A.cancel, A.reassess]),
        (S.approved, "refer_higher", [A.cancel, A.reassess]),
        (S.active, "refer_higher", [A.hold, A.discharge, A.reassess]),
        (S.on_hold, "eligible", [A.resume, A.discharge, A.reassess]),
        (S.on_hold, "refer_higher", [A.discharge, A.reassess]),
        (S.discharged, "eligible", []),
        (S.cancelled, "eligible", []),
    ],
)
def test_allowed_actions_are_what_the_state_and_the_latest_decision_permit(
    status: AdmissionStatus, outcome: str, actions: list[AdmissionAction]
) -> None:
    assert allowed_actions(status, outcome) == actions


@settings(deadline=None)
@given(
    st.sampled_from(list(S)),
    st.lists(st.sampled_from(list(A)) | st.sampled_from(OUTCOMES), max_size=12),
)
def test_discharged_and_cancelled_admissions_never_move_again(
    start: AdmissionStatus, steps: list[AdmissionAction | str]
) -> None:
    status = start
    for step in steps:
        if isinstance(step, AdmissionAction):
            following = next_status(status, step)
        elif next_status(status, A.reassess) is not None:
            following = after_reassessment(status, step)
        else:
            following = None
        if following is None:
            continue
        assert status not in FINAL, f"{status} accepted {step}"
        status = following


@settings(deadline=None)
@given(st.sampled_from(list(S)), st.sampled_from(OUTCOMES))
def test_allowed_actions_are_those_that_lead_somewhere_and_the_decision_permits(
    status: AdmissionStatus, outcome: str
) -> None:
    assert set(allowed_actions(status, outcome)) == {
        a for a in A if next_status(status, a) is not None and decision_allows(a, outcome)
    }


@settings(deadline=None)
@given(st.sampled_from(list(S)), st.sampled_from(OUTCOMES))
def test_a_reassessment_never_starts_or_ends_treatment(
    status: AdmissionStatus, outcome: str
) -> None:
    if next_status(status, A.reassess) is not None:
        following = after_reassessment(status, outcome)
        treated = {S.approved, S.active, S.on_hold}
        assert (following in treated) is (status in treated)
        assert following not in FINAL


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("eligible", S.pending), ("incomplete", S.pending), ("refer_higher", S.referred),
     ("refer_lower", S.referred)],
)  # fmt: skip
def test_a_referral_starts_referred_and_anything_else_waits_for_approval(
    outcome: str, status: AdmissionStatus
) -> None:
    assert initial_status(outcome) == status
