"""OpenAPI examples of the group routes: each answer of an enrollment, and a rejected setup."""

from typing import Any

from app.errors import DomainError
from app.groups.errors import (
    AdmissionRequired,
    AlreadyMember,
    CohortStarted,
    CriteriaNotMet,
    GroupClosed,
    GroupFull,
)
from app.groups.schemas import MembershipRead
from app.openapi import problem_example, problem_responses
from app.scheduling.errors import PlanHasViolations

_MEMBERSHIP = {
    "id": "5b0e7f7e-3c9e-4a43-9d1b-6f1f3e0c2a10",
    "group_id": "0f8a6a52-2d55-4a4e-b3c6-2b8b1e9d4c21",
    "patient_id": "c3d1b7a4-6a0e-4b8f-9e2d-7f4a1c5b8e33",
    "admission_id": "9a7c2e1f-4b3d-4c5e-8f6a-1b2c3d4e5f60",
    "requested_at": "2026-03-02T15:00:00Z",
    "promoted_at": None,
    "ended_at": None,
    "end_reason": None,
}
ENROLLED = _MEMBERSHIP | {
    "status": "enrolled", "position": None, "enrolled_at": "2026-03-02T15:00:00Z",
}  # fmt: skip
WAITLISTED = _MEMBERSHIP | {"status": "waitlisted", "position": 3, "enrolled_at": None}


def _problem(error: type[DomainError], detail: str, **extra: Any) -> dict[str, Any]:
    example = problem_example(error.status, error.slug, error.title, detail, **extra)
    return {error.slug: {"value": example}}


_CONFLICTS = (
    _problem(
        GroupFull,
        "All 15 seats are taken; ask with waitlist_if_full to join the waitlist.",
        max_size=15,
    )
    | _problem(AlreadyMember, "The patient is already a member of this group or on its waitlist.")
    | _problem(
        AdmissionRequired,
        "The patient has no approved or active admission in the group's program.",
    )
    | _problem(GroupClosed, "The group 'Women's process group' is closed.")
    | _problem(
        CohortStarted,
        "The group 'Trauma cohort' is a closed cohort that started on 2026-03-02; it takes no"
        " new member.",
        cohort_starts_on="2026-03-02",
    )
)

_CRITERIA_NOT_MET = _problem(
    CriteriaNotMet,
    "The patient does not meet the group's criteria.",
    errors=[
        {
            "field": "patient_id",
            "code": "criteria_not_met",
            "message": "sex must be one of: female",
        },
    ],
)

_VALIDATION = {
    "validation-error": {
        "value": problem_example(
            422,
            "validation-error",
            "The request is not valid",
            "Some fields are missing or invalid.",
            errors=[
                {
                    "field": "patient_id",
                    "code": "uuid_parsing",
                    "message": "Input should be a valid UUID",
                }
            ],
        )
    }
}

_PLAN_VIOLATIONS = _problem(
    PlanHasViolations,
    "The plan breaks 1 rule(s); see `violations`.",
    violations=[
        {
            "code": "overlapping_sessions",
            "message": "individual session on monday at 17:00 overlaps group session on monday"
            " at 18:00",
        }
    ],
)

ENROLLMENT_RESPONSES: dict[int | str, Any] = {
    201: {
        "description": "Enrolled: the patient has a seat, and the group's meetings are on their"
        " treatment plan.",
        "content": {"application/json": {"examples": {"enrolled": {"value": ENROLLED}}}},
    },
    202: {
        "model": MembershipRead,
        "description": "Waitlisted: the group is full; `position` 1 is next for a seat.",
        "content": {"application/json": {"examples": {"waitlisted": {"value": WAITLISTED}}}},
    },
    **problem_responses(
        404,
        409,
        422,
        r409=_CONFLICTS,
        r422=_CRITERIA_NOT_MET | _PLAN_VIOLATIONS | _VALIDATION,
    ),
}

GROUP_SETUP_422 = {
    "group-does-not-fit": {
        "value": problem_example(
            422,
            "validation-error",
            "The request is not valid",
            "The group does not fit its program, facilitator or room.",
            errors=[
                {
                    "field": "max_size",
                    "code": "above_program_maximum",
                    "message": "max_size 20 is above the program's maximum group size of 15.",
                }
            ],
        )
    }
} | _VALIDATION
