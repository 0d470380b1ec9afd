"""The admission lifecycle as a table: every state × action, and its invariants."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.admissions.lifecycle import AdmissionAction, allowed_actions, initial_status, next_status
from app.vocabulary import OPEN_ADMISSION, AdmissionStatus

S, A = AdmissionStatus, AdmissionAction

EXPECTED = {
    (S.pending, A.approve): S.approved,
    (S.pending, A.cancel): S.cancelled,
    (S.pending, A.reassess): S.pending,
    (S.approved, A.start): S.active,
    (S.approved, A.cancel): S.cancelled,
    (S.approved, A.reassess): S.approved,
    (S.active, A.hold): S.on_hold,
    (S.active, A.discharge): S.discharged,
    (S.active, A.cancel): S.cancelled,
    (S.active, A.reassess): S.active,
    (S.on_hold, A.resume): S.active,
    (S.on_hold, A.discharge): S.discharged,
    (S.on_hold, A.cancel): S.cancelled,
    (S.on_hold, A.reassess): S.on_hold,
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(A))
def test_each_state_allows_exactly_the_documented_actions(
    status: AdmissionStatus, action: AdmissionAction
) -> None:
    assert next_status(status, action) == EXPECTED.get((status, action))


@given(st.sampled_from(list(S)), st.lists(st.sampled_from(list(A)), max_size=12))
def test_closed_admissions_never_reopen(
    start: AdmissionStatus, actions: list[AdmissionAction]
) -> None:
    status, closed = start, start not in OPEN_ADMISSION
    for action in actions:
        following = next_status(status, action)
        if following is None:
            continue
        assert not closed, f"{status} moved on with {action}"
        status = following
        closed = status not in OPEN_ADMISSION


@given(st.sampled_from(list(S)))
def test_allowed_actions_are_those_that_lead_somewhere(status: AdmissionStatus) -> None:
    assert set(allowed_actions(status)) == {a for a in A if next_status(status, a) is not None}


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("eligible", S.pending), ("incomplete", S.pending), ("refer_higher", S.referred),
     ("refer_lower", S.referred)],
)  # fmt: skip
def test_a_referral_starts_closed_and_anything_else_waits_for_approval(
    outcome: str, status: AdmissionStatus
) -> None:
    assert initial_status(outcome) == status
