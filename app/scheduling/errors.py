"""Scheduling failures, each with its own stable problem type."""

from collections.abc import Iterable

from app.errors import Conflict, DomainError
from app.scheduling.rules.plan import Violation


def _listed(violations: Iterable[Violation]) -> list[dict[str, str]]:
    return [{"code": v.code.value, "message": v.message} for v in violations]


class PlanHasViolations(DomainError):
    status, slug, title = 422, "plan-violations", "The treatment plan breaks the program's rules"

    def __init__(self, violations: Iterable[Violation]) -> None:
        listed = _listed(violations)
        super().__init__(
            f"The plan breaks {len(listed)} rule(s); see `violations`.", violations=listed
        )


class AppointmentConflicts(Conflict):
    slug, title = "appointment-conflicts", "The new time conflicts with the schedule"

    def __init__(self, violations: Iterable[Violation]) -> None:
        listed = _listed(violations)
        super().__init__(
            f"The appointment cannot move there: {len(listed)} conflict(s); see `violations`.",
            violations=listed,
        )


class AdmissionNotPlannable(Conflict):
    slug, title = "admission-not-plannable", "Only approved or active admissions get a plan"

    def __init__(self, admission_status: str) -> None:
        super().__init__(
            f"The admission is {admission_status}; a treatment plan needs it approved or active.",
            admission_status=admission_status,
        )
