import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from app.context import Context, context_with
from app.flows import plans as plan_flows
from app.idempotency.middleware import READ_ONLY
from app.openapi import problem_example, problem_responses
from app.pagination import PageDep, page_body, page_response
from app.scheduling import appointments, feeds, service
from app.scheduling.schemas import (
    AppointmentRead,
    AppointmentUpdate,
    PlanValidation,
    TreatmentPlanCreate,
    TreatmentPlanRead,
    TreatmentPlanSaved,
    TreatmentPlanValidate,
)
from app.schemas import Date, Page
from app.security import Permission
from app.versioning import IfMatch, expected_version, with_etag
from app.vocabulary import AppointmentStatus

plans_router = APIRouter(tags=["treatment-plans"])
appointments_router = APIRouter(tags=["appointments"])

Reader = Annotated[Context, context_with(Permission.schedules_read)]
Writer = Annotated[Context, context_with(Permission.schedules_write)]

_VIOLATIONS = [
    {"code": "weekly_hours_below_minimum", "message": "6 hours a week; the minimum is 9"}
]
PLAN_ERRORS = problem_responses(
    404,
    409,
    422,
    r409={"admission-not-plannable": {"value": problem_example(
        409, "admission-not-plannable", "Only approved or active admissions get a plan",
        "The admission is pending; a treatment plan needs it approved or active.",
        admission_status="pending")}},
    r422={
        "plan-violations": {"value": problem_example(
            422, "plan-violations", "The treatment plan breaks the program's rules",
            "The plan breaks 1 rule(s); see `violations`.", violations=_VIOLATIONS)},
        "validation-error": {"value": problem_example(
            422, "validation-error", "The request is not valid",
            "Some fields are missing or invalid.")},
    },
)  # fmt: skip
UPDATE_ERRORS = problem_responses(
    404,
    409,
    412,
    r409={"appointment-conflicts": {"value": problem_example(
        409, "appointment-conflicts", "The new time conflicts with the schedule",
        "The appointment cannot move there: 1 conflict(s); see `violations`.",
        violations=[{"code": "staff_double_booked",
                     "message": "individual session on monday at 18:00: staff … already has"
                                " another appointment at 18:00"}])}},
)  # fmt: skip
NOT_FOUND = problem_responses(404)
_ICS_EXAMPLE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//IOP API//Scheduling//EN\r\n"
    "BEGIN:VEVENT\r\nUID:0b9c6f0e-8f0a-4c55-a8a4-3f8f5b0c2d11@iop\r\nSEQUENCE:0\r\n"
    "DTSTART:20260907T220000Z\r\nDTEND:20260908T010000Z\r\nSUMMARY:IOP session\r\n"
    "LOCATION:Group room B\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
ICS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An RFC 5545 calendar: when and where, never what (no clinical details).",
        "content": {"text/calendar": {"schema": {"type": "string"}, "example": _ICS_EXAMPLE}},
    }
}


def calendar_response(content: bytes) -> Response:
    return Response(content, media_type="text/calendar")  # Starlette adds the charset


@plans_router.post(
    "/treatment-plans/validate",
    summary="Check a treatment plan without storing it (every violation)",
    openapi_extra=READ_ONLY,
    responses=NOT_FOUND,
)
def validate_treatment_plan(body: TreatmentPlanValidate, ctx: Reader) -> PlanValidation:
    return service.validate_treatment_plan(ctx, body)


@plans_router.post(
    "/admissions/{admission_id}/treatment-plan",
    status_code=status.HTTP_201_CREATED,
    summary="Plan an admission's weeks, or change the plan; books the appointments",
    responses=PLAN_ERRORS,
)
def save_treatment_plan(
    admission_id: uuid.UUID, body: TreatmentPlanCreate, ctx: Writer
) -> TreatmentPlanSaved:
    return plan_flows.save_plan(ctx, admission_id, body)


@plans_router.get(
    "/admissions/{admission_id}/treatment-plan",
    summary="Read an admission's current treatment plan",
    responses=NOT_FOUND,
)
def get_treatment_plan(admission_id: uuid.UUID, ctx: Reader) -> TreatmentPlanRead:
    return service.get_current_plan(ctx, admission_id)


@plans_router.get(
    "/admissions/{admission_id}/treatment-plans",
    summary="Every version of an admission's treatment plan, newest first",
    responses=NOT_FOUND,
)
def list_treatment_plans(
    admission_id: uuid.UUID, ctx: Reader, page: PageDep
) -> Page[TreatmentPlanRead]:
    plans, total = service.list_plans(ctx, admission_id, page)
    return Page[TreatmentPlanRead].model_validate(page_body(plans, total, page))


@appointments_router.get(
    "/patients/{patient_id}/appointments",
    summary="A patient's appointments between two local dates",
    responses=NOT_FOUND,
    response_model=Page[AppointmentRead],
)
def list_patient_appointments(
    patient_id: uuid.UUID,
    ctx: Reader,
    page: PageDep,
    from_date: Annotated[Date | None, Query(alias="from", description="Inclusive.")] = None,
    to_date: Annotated[Date | None, Query(alias="to", description="Inclusive.")] = None,
    status: AppointmentStatus | None = None,
) -> Response:
    dates = (from_date, to_date)
    found, total = appointments.list_patient_appointments(ctx, patient_id, dates, status, page)
    return page_response(Page[AppointmentRead], found, total, page)


@appointments_router.get("/appointments", summary="The clinic's day sheet: one local date")
def list_appointments(
    ctx: Reader,
    page: PageDep,
    date: Annotated[Date, Query(description="The date in the program's time zone.")],
    staff_id: uuid.UUID | None = None,
    room_id: uuid.UUID | None = None,
    program_id: uuid.UUID | None = None,
    status: AppointmentStatus | None = None,
) -> Page[AppointmentRead]:
    filters = {"staff_id": staff_id, "room_id": room_id, "program_id": program_id}
    found, total = appointments.day_sheet(ctx, date, filters, status, page)
    return Page[AppointmentRead].model_validate(page_body(found, total, page))


@appointments_router.get(
    "/appointments/{appointment_id}", summary="Read an appointment", responses=NOT_FOUND
)
def get_appointment(appointment_id: uuid.UUID, ctx: Reader, response: Response) -> AppointmentRead:
    return with_etag(response, appointments.read_appointment(ctx, appointment_id))


@appointments_router.patch(
    "/appointments/{appointment_id}",
    summary="Reschedule or cancel an appointment",
    responses=UPDATE_ERRORS,
)
def update_appointment(
    appointment_id: uuid.UUID,
    body: AppointmentUpdate,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AppointmentRead:
    expected = expected_version(if_match)
    appointment = appointments.update_appointment(ctx, appointment_id, body, expected)
    return with_etag(response, appointment)


@appointments_router.get(
    "/patients/{patient_id}/calendar.ics",
    summary="A patient's appointments as an iCalendar feed",
    response_class=Response,
    responses={**ICS, **NOT_FOUND},
)
def get_patient_calendar(patient_id: uuid.UUID, ctx: Reader) -> Response:
    return calendar_response(feeds.patient_calendar(ctx, patient_id))


@appointments_router.get(
    "/staff/{staff_id}/calendar.ics",
    summary="A staff member's sessions as an iCalendar feed",
    response_class=Response,
    responses={**ICS, **NOT_FOUND},
)
def get_staff_calendar(staff_id: uuid.UUID, ctx: Reader) -> Response:
    return calendar_response(feeds.staff_calendar(ctx, staff_id))
