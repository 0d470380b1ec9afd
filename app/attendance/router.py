import uuid
from typing import Annotated

from fastapi import APIRouter, Path

from app.attendance import service, summary
from app.attendance.schemas import (
    AttendanceBatch,
    AttendanceMark,
    AttendanceRead,
    AttendanceSummary,
    BatchResult,
    GroupMeetingAttendance,
    GroupMeetingMarks,
)
from app.context import Context, context_with
from app.flows import attendance as attendance_flows
from app.openapi import problem_responses
from app.schemas import Date
from app.security import Permission

router = APIRouter(tags=["attendance"])

Reader = Annotated[Context, context_with(Permission.schedules_read)]
Writer = Annotated[Context, context_with(Permission.schedules_write)]
MeetingDate = Annotated[Date, Path(description="The meeting's date in the program's time zone.")]


@router.put(
    "/appointments/{appointment_id}/attendance",
    summary="Record or correct a session's attendance (the earlier mark stays in the history)",
    responses=problem_responses(404, 409),
)
def record_attendance(
    appointment_id: uuid.UUID, body: AttendanceMark, ctx: Writer
) -> AttendanceRead:
    return attendance_flows.record_one(ctx, appointment_id, body)


@router.get(
    "/appointments/{appointment_id}/attendance",
    summary="Read a session's attendance and its corrections",
    responses=problem_responses(404),
)
def get_attendance(appointment_id: uuid.UUID, ctx: Reader) -> AttendanceRead:
    return service.get_attendance(ctx, appointment_id)


@router.put(
    "/groups/{group_id}/meetings/{date}/attendance",
    summary="Record a whole group meeting: each member's mark, all or none",
    responses=problem_responses(404),
)
def record_group_meeting(
    group_id: uuid.UUID, date: MeetingDate, body: GroupMeetingMarks, ctx: Writer
) -> GroupMeetingAttendance:
    return attendance_flows.record_group_meeting(ctx, group_id, date, body)


@router.get(
    "/groups/{group_id}/meetings/{date}/attendance",
    summary="A group meeting's roster: everyone the group had that day and their marks",
    responses=problem_responses(404),
)
def get_group_meeting(
    group_id: uuid.UUID, date: MeetingDate, ctx: Reader
) -> GroupMeetingAttendance:
    return attendance_flows.read_group_meeting(ctx, group_id, date)


@router.post(
    "/attendance/batch",
    summary="Record up to 10,000 marks from an EHR: the valid ones stored, the others reported",
)
def record_attendance_batch(body: AttendanceBatch, ctx: Writer) -> BatchResult:
    return attendance_flows.record_batch(ctx, body)


@router.get(
    "/admissions/{admission_id}/attendance-summary",
    summary="An admission's attendance per ISO week and its compliance status",
    responses=problem_responses(404),
)
def get_attendance_summary(admission_id: uuid.UUID, ctx: Reader) -> AttendanceSummary:
    return summary.attendance_summary(ctx, admission_id)
