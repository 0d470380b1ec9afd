"""A case task's status moves: plain values in, the decision out."""

from enum import StrEnum


class CaseTaskStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


# Done and cancelled are final: what was done is kept as it was; a new need is a new task.
CLOSED = frozenset({CaseTaskStatus.done, CaseTaskStatus.cancelled})


def may_move(current: CaseTaskStatus, wanted: CaseTaskStatus) -> bool:
    """An open or in-progress task moves to any status; a closed one to none but itself."""
    return current == wanted or current not in CLOSED
