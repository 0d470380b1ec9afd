"""Group rules (domain reference §4): status, enrollment and waitlist promotion.

Pure functions over plain values: the service loads groups and patients, calls these rules,
and stores the outcome. Size bounds come from `ProgramSettings` (default 8 to 15).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from app.groups.criteria import Criterion, Profile, meets_criteria
from app.vocabulary import GroupStatus


def group_status(enrolled: int, min_size: int, max_size: int, is_closed: bool) -> GroupStatus:
    """Where a group stands, from its enrollment and size bounds."""
    if is_closed:
        return GroupStatus.CLOSED
    # §4: the maximum is a hard ceiling; below its minimum a group is forming and does not run.
    if enrolled >= max_size:
        return GroupStatus.FULL
    if enrolled < min_size:
        return GroupStatus.FORMING
    return GroupStatus.ACTIVE


EnrollmentOutcome = Literal["enrolled", "waitlisted", "full"]


def enrollment_outcome(enrolled: int, max_size: int, waitlist_if_full: bool) -> EnrollmentOutcome:
    """What happens to one more patient asking to join a group of `enrolled` members."""
    # §4: the ceiling holds; overflow goes to the waitlist, or the caller opens a new group.
    if enrolled < max_size:
        return "enrolled"
    return "waitlisted" if waitlist_if_full else "full"


@dataclass(frozen=True)
class WaitlistEntry:
    """A patient waiting for a seat, with the profile to check against the group's criteria."""

    patient_id: str
    joined_at: datetime
    profile: Profile


def next_to_promote(
    waitlist: Sequence[WaitlistEntry], criteria: Sequence[Criterion]
) -> WaitlistEntry | None:
    """The patient waiting longest who still fits the group's criteria, if any."""
    # First come, first served; someone who no longer fits (an adolescent who turned 18) is
    # passed over, not removed. Ties go by id so the choice never depends on load order.
    by_arrival = sorted(waitlist, key=lambda entry: (entry.joined_at, entry.patient_id))
    return next((entry for entry in by_arrival if meets_criteria(criteria, entry.profile)), None)
