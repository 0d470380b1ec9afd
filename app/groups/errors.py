"""What membership of a group can refuse, each with its stable problem type."""

from app.errors import Conflict, Unprocessable


class GroupFull(Conflict):
    slug, title = "group-full", "The group is full"


class AlreadyMember(Conflict):
    slug, title = "already-member", "Already a member of the group or on its waitlist"


class AdmissionRequired(Conflict):
    slug, title = "admission-required", "No approved or active admission in the group's program"


class CohortStarted(Conflict):
    slug, title = "cohort-started", "The closed group's cohort has started"


class GroupClosed(Conflict):
    slug, title = "group-closed", "The group is closed"


class CriteriaNotMet(Unprocessable):
    slug, title = "criteria-not-met", "The patient does not meet the group's criteria"
