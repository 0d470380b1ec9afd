import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from app.attendance import alerts, day_sheet, drug_screens, service, summary
from app.attendance.schemas import (
    AlertRead,
    AlertResolution,
    AttendanceBatch,
    AttendanceMark,
    AttendanceRead,
    AttendanceSummary,
    BatchResult,
    DaySheet,
    DrugScreenCreate,
    DrugScreenRead,
    GroupMeetingAttendance,
    GroupMeetingMarks,
)
from app.context import Context, context_with
from app.flows import attendance as attendance_flows
from app.openapi import problem_responses
from app.pagination import PageDep, page_body
from app.schemas import Date, Page
from app.security import Permission
from app.vocabulary import AlertCode, AlertStatus

router = APIRouter(tags=["attendance"])
alerts_router = APIRouter(tags=["alerts"])
drug_screens_router = APIRouter(tags=["drug-screens"])

Reader = Annotated[Context, context_with(Permission.schedules_read)]
Writer = Annotated[Context, context_with(Permission.schedules_write)]
# A screen's result is clinical: read and written like the admission itself.
ClinicalReader = Annotated[Context, context_with(Permission.admissions_read)]
ClinicalWriter = Annotated[Context, context_with(Permission.admissions_write)]
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


@alerts_router.get("/alerts", summary="The clinic's worklist: alerts by status, program and code")
def list_alerts(
    ctx: Reader,
    page: PageDep,
    status: AlertStatus | None = None,
    program_id: uuid.UUID | None = None,
    code: AlertCode | None = None,
) -> Page[AlertRead]:
    found, total = alerts.list_alerts(ctx, page, status, program_id, code)
    return Page[AlertRead].model_validate(page_body(found, total, page))


@alerts_router.post(
    "/alerts/{alert_id}/acknowledge",
    summary="Acknowledge an open alert: someone is on it",
    responses=problem_responses(404, 409),
)
def acknowledge_alert(alert_id: uuid.UUID, ctx: Writer) -> AlertRead:
    return alerts.acknowledge(ctx, alert_id)


@alerts_router.post(
    "/alerts/{alert_id}/resolve",
    summary="Resolve an alert, with a note of what was done",
    responses=problem_responses(404, 409),
)
def resolve_alert(alert_id: uuid.UUID, body: AlertResolution, ctx: Writer) -> AlertRead:
    return alerts.resolve(ctx, alert_id, body)


@router.get(
    "/programs/{program_id}/day-sheet",
    summary="The day sheet: a program's sessions of one date with names and attendance so far",
    responses=problem_responses(404),
)
def get_day_sheet(
    program_id: uuid.UUID,
    ctx: Reader,
    date: Annotated[Date, Query(description="The date in the program's time zone.")],
) -> DaySheet:
    return day_sheet.day_sheet(ctx, program_id, date)


@drug_screens_router.post(
    "/admissions/{admission_id}/drug-screens",
    status_code=status.HTTP_201_CREATED,
    summary="Record a drug screen during treatment; a positive one raises an alert",
    responses=problem_responses(404, 409),
)
def create_drug_screen(
    admission_id: uuid.UUID, body: DrugScreenCreate, ctx: ClinicalWriter
) -> DrugScreenRead:
    return drug_screens.record_drug_screen(ctx, admission_id, body)


@drug_screens_router.get(
    "/admissions/{admission_id}/drug-screens",
    summary="An admission's drug screens during treatment, by collection day",
    responses=problem_responses(404),
)
def list_drug_screens(admission_id: uuid.UUID, ctx: ClinicalReader) -> list[DrugScreenRead]:
    return drug_screens.list_drug_screens(ctx, admission_id)
