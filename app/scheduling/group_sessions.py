"""A plan's group sessions follow the patient's group memberships.

Enrollment is the groups API's business (seats, criteria, waitlist): a plan names a group only
for a patient enrolled in it, and only at the group's own meetings; and a plan keeps the
meetings of every group of its program the patient is enrolled in, until they leave it.
"""

import uuid
from collections.abc import Iterator, Sequence

from sqlalchemy import select

from app.context import Context
from app.errors import FieldError, Unprocessable
from app.groups.models import GroupMembership, TherapyGroup
from app.scheduling.references import References
from app.scheduling.rule_inputs import Subject
from app.scheduling.rules.plan import PlanSession
from app.vocabulary import MembershipStatus


def check_group_sessions(
    ctx: Context, subject: Subject, sessions: Sequence[PlanSession], references: References
) -> None:
    """Answer 422 naming every group session the patient's memberships do not back, and every
    group of theirs whose meetings the plan leaves out.

    A dry run for a program names no patient: only the meetings are checked.
    """
    enrolled = _enrolled_groups(ctx, subject)
    errors = list(_session_errors(sessions, references, enrolled, subject.patient_id))
    errors += _missing_meetings(sessions, enrolled, subject)
    if errors:
        raise Unprocessable(
            "The plan's group sessions must follow the patient's group memberships: enroll"
            " through POST /v1/groups/{id}/members (which plans the group's meetings), leave"
            " through DELETE /v1/groups/{id}/members/{patient_id}.",
            errors=errors,
        )


def _enrolled_groups(ctx: Context, subject: Subject) -> dict[uuid.UUID, TherapyGroup]:
    if subject.patient_id is None:
        return {}
    groups = ctx.session.scalars(
        select(TherapyGroup)
        .join(GroupMembership, GroupMembership.group_id == TherapyGroup.id)
        .where(
            *ctx.scope(GroupMembership),
            GroupMembership.patient_id == subject.patient_id,
            GroupMembership.status == MembershipStatus.enrolled,
            *ctx.scope(TherapyGroup),
        )
        .order_by(TherapyGroup.id)
    )
    return {group.id: group for group in groups}


def _session_errors(
    sessions: Sequence[PlanSession],
    references: References,
    enrolled: dict[uuid.UUID, TherapyGroup],
    patient_id: uuid.UUID | None,
) -> Iterator[FieldError]:
    for index, session in enumerate(sessions):
        group = references.groups.get(session.group_id) if session.group_id else None
        if group is None:
            continue  # no group, or one the reference check already answered for
        field = f"sessions[{index}].group_id"
        if patient_id is not None and group.id not in enrolled:
            yield FieldError(
                field=field,
                code="not_enrolled",
                message=f"The patient is not enrolled in the group {group.name!r}; enroll them"
                f" through POST /v1/groups/{group.id}/members, which plans its meetings.",
            )
        elif not _is_meeting(session, group):
            yield FieldError(
                field=field,
                code="not_a_group_meeting",
                message=f"The group {group.name!r} meets {_meets(group)}; this session is not"
                " one of its meetings.",
            )


def _missing_meetings(
    sessions: Sequence[PlanSession], enrolled: dict[uuid.UUID, TherapyGroup], subject: Subject
) -> list[FieldError]:
    errors = []
    for group in enrolled.values():
        if group.program_id != subject.program.id or group.closed_at is not None:
            continue
        planned = {
            s.weekday.value for s in sessions if s.group_id == group.id and _is_meeting(s, group)
        }
        missing = [day for day in group.weekdays if day not in planned]
        if missing:
            errors.append(
                FieldError(
                    field="sessions",
                    code="group_meetings_missing",
                    message=f"The patient is enrolled in the group {group.name!r} ({group.id}),"
                    f" which meets {_meets(group)}; the plan leaves out its"
                    f" {', '.join(missing)} meeting(s). Keep them, or take the patient out of"
                    f" the group through DELETE /v1/groups/{group.id}/members/"
                    f"{subject.patient_id}.",
                )
            )
    return errors


def _is_meeting(session: PlanSession, group: TherapyGroup) -> bool:
    return (
        session.weekday.value in group.weekdays
        and session.start_time == group.start_time
        and session.duration_minutes == group.duration_minutes
    )


def _meets(group: TherapyGroup) -> str:
    days = ", ".join(group.weekdays)
    return f"on {days} at {group.start_time:%H:%M} for {group.duration_minutes} minutes"
