"""A case task's status moves: open and in-progress tasks move freely, closed ones stay."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.case_management.rules import CLOSED, CaseTaskStatus, may_move

S = CaseTaskStatus


@pytest.mark.parametrize(
    ("current", "wanted", "allowed"),
    [
        (S.open, S.in_progress, True),
        (S.open, S.done, True),
        (S.open, S.cancelled, True),
        (S.in_progress, S.open, True),
        (S.in_progress, S.done, True),
        (S.done, S.open, False),
        (S.done, S.in_progress, False),
        (S.done, S.cancelled, False),
        (S.cancelled, S.open, False),
        (S.cancelled, S.done, False),
        (S.done, S.done, True),
    ],
)
def test_a_task_moves_unless_it_is_closed(
    current: CaseTaskStatus, wanted: CaseTaskStatus, allowed: bool
) -> None:
    assert may_move(current, wanted) is allowed


@settings(deadline=None)
@given(st.sampled_from(CaseTaskStatus), st.sampled_from(CaseTaskStatus))
def test_only_a_closed_task_refuses_a_change(
    current: CaseTaskStatus, wanted: CaseTaskStatus
) -> None:
    assert may_move(current, wanted) == (current == wanted or current not in CLOSED)
    assert may_move(current, current)
