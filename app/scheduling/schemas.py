import datetime as dt
import uuid
from datetime import date, datetime
from typing import Any, Literal, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from app.scheduling.booking import Evaluation, SavedPlan, StoredPlan
from app.schemas import Date, Instant, LocalTime, Omittable, Schema
from app.vocabulary import AppointmentStatus, Modality, PlanStatus, SessionKind, Weekday

# The calendar a plan or an appointment may use: far-off dates are typos, and the last ones
# would overflow `date` once weeks are added to them.
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2100, 12, 31)
MAX_PLAN_WEEKS = 104


def _on_the_calendar(value: date) -> date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"a date from {FIRST_DATE} to {LAST_DATE}")
    return value


CancelReason = Literal["patient", "clinic"]
# `plan_changed`: the plan no longer has the occurrence (set by the service, never sent).
StoredCancelReason = Literal["patient", "clinic", "plan_changed"]

STAFF_EXAMPLE = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
ROOM_EXAMPLE = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
SESSIONS_EXAMPLE = [
    {"weekday": day, "start_time": "18:00", "duration_minutes": 180, "kind": "group",
     "modality": "in_person", "staff_id": STAFF_EXAMPLE, "room_id": ROOM_EXAMPLE}
    for day in ("monday", "wednesday", "thursday")
]  # fmt: skip


class PlanSessionCreate(Schema):
    weekday: Weekday = Field(examples=["monday"])
    start_time: LocalTime = Field(examples=["18:00"], description="Local time of the program.")
    duration_minutes: int = Field(ge=5, le=720, examples=[180])
    kind: SessionKind = Field(examples=["group"])
    modality: Modality = Field(Modality.IN_PERSON, examples=["in_person"])
    group_id: uuid.UUID | None = Field(None, description="The therapy group that meets then.")
    staff_id: uuid.UUID | None = Field(None, examples=[STAFF_EXAMPLE])
    room_id: uuid.UUID | None = Field(
        None, examples=[ROOM_EXAMPLE], description="None for telehealth."
    )
    therapy: str | None = Field(
        None, max_length=60, examples=["music"], description="Which complementary therapy."
    )

    @model_validator(mode="after")
    def _telehealth_has_no_room(self) -> Self:
        if self.modality is Modality.TELEHEALTH and self.room_id is not None:
            raise ValueError("a telehealth session has no room")
        return self


class PlanTerms(Schema):
    start_date: Date = Field(examples=["2026-09-07"])
    weeks: int | None = Field(
        None,
        ge=1,
        le=MAX_PLAN_WEEKS,
        examples=[13],
        description="Or `end_date`; neither: the program's planned duration (90 days by default).",
    )
    end_date: Date | None = Field(None, examples=["2026-12-05"], description="Inclusive.")
    move_skipped_days: bool = Field(
        False,
        examples=[True],
        description="Move the sessions of a holiday or closure to a free day of that week.",
    )
    book_beyond_authorization: bool = Field(
        False,
        description="Also book the appointments beyond the admission's authorized days or"
        " period (after a concurrent review); by default they are reported, not booked.",
    )
    sessions: list[PlanSessionCreate] = Field(max_length=50, examples=[SESSIONS_EXAMPLE])

    @field_validator("start_date")
    @classmethod
    def _start_on_the_calendar(cls, value: date) -> date:
        return _on_the_calendar(value)

    @field_validator("end_date")
    @classmethod
    def _end_within_limits(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is None:
            return value
        _on_the_calendar(value)
        start = info.data.get("start_date")  # absent when it was invalid itself
        if start is not None and (value - start).days + 1 > MAX_PLAN_WEEKS * 7:
            raise ValueError(f"a plan lasts at most {MAX_PLAN_WEEKS} weeks")
        return value

    @model_validator(mode="after")
    def _one_end(self) -> Self:
        if self.weeks is not None and self.end_date is not None:
            raise ValueError("give `weeks` or `end_date`, not both")
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("the plan cannot end before it starts")
        return self


class TreatmentPlanCreate(PlanTerms):
    """A weekly plan for an approved or active admission."""


class TreatmentPlanValidate(PlanTerms):
    """A dry run: for an admission, or for a program and the kind of patient."""

    admission_id: uuid.UUID | None = Field(None, examples=["0b9c6f0e-8f0a-4c55-a8a4-3f8f5b0c2d11"])
    program_id: uuid.UUID | None = Field(None, description="Instead of `admission_id`.")
    is_adolescent: bool = Field(False, description="Only with `program_id`.")
    is_stepping_down: bool = Field(False, description="Only with `program_id`.")

    @model_validator(mode="after")
    def _one_subject(self) -> Self:
        if (self.admission_id is None) == (self.program_id is None):
            raise ValueError("give `admission_id` or `program_id`, not both")
        patient_kind = {"is_adolescent", "is_stepping_down"} & self.model_fields_set
        if self.admission_id is not None and patient_kind:
            raise ValueError("with `admission_id`, the admission says who the patient is")
        return self


class ViolationRead(Schema):
    code: str = Field(examples=["weekly_hours_below_minimum"])
    message: str = Field(examples=["6 hours a week; the minimum is 9"])


class SkippedDayRead(Schema):
    date: dt.date
    reason: str = Field(examples=["Thanksgiving"])
    moved_to: dt.date | None = Field(description="The make-up day, or null when lost.")


class ShortWeekRead(Schema):
    """A week that holidays or closures cut below the program's days or hours."""

    week_starts_on: dt.date = Field(description="Its Monday.")
    days: int = Field(description="Treatment days left that week.")
    hours: float = Field(description="Hours left that week.")
    lost_dates: list[dt.date] = Field(description="Closed days whose sessions did not move.")


class BeyondAuthorizationRead(Schema):
    """Appointments of the plan the admission's authorization does not cover."""

    authorized_days: int = Field(description="Treatment days authorized.")
    authorization_starts_on: dt.date
    authorization_ends_on: dt.date
    used_days: int = Field(description="Treatment days already used by past appointments.")
    appointment_count: int = Field(description="Appointments beyond the authorization.")
    dates_outside_period: list[dt.date] = Field(
        description="Treatment dates before or after the authorization period."
    )
    dates_over_authorized_days: list[dt.date] = Field(
        description="Treatment dates within the period but past the authorized number of days."
    )
    is_booked: bool = Field(description="Booked because the plan says `book_beyond_authorization`.")


class PlanValidation(Schema):
    days_per_week: int
    weekly_hours: float
    appointment_count: int = Field(description="Appointments booked from now to the end.")
    violations: list[ViolationRead] = Field(description="Every reason the plan is rejected.")
    flags: list[ViolationRead] = Field(description="Accepted, but someone should look.")
    skipped_days: list[SkippedDayRead] = Field(
        description="Closed days from today on, one entry a day, and where they moved."
    )
    short_weeks: list[ShortWeekRead] = Field(
        description="Weeks from this one on that closures cut below the program's minimums."
    )
    beyond_authorization: BeyondAuthorizationRead | None = Field(
        description="Null when the authorization covers every appointment (or for a program)."
    )

    @classmethod
    def of(cls, evaluation: Evaluation) -> Self:
        return cls.model_validate(_validation_fields(evaluation))


class PlanSessionRead(PlanSessionCreate):
    id: uuid.UUID


class TreatmentPlanRead(Schema):
    id: uuid.UUID
    admission_id: uuid.UUID
    patient_id: uuid.UUID
    program_id: uuid.UUID
    previous_plan_id: uuid.UUID | None
    settings_version: int = Field(description="The program settings it was checked against.")
    start_date: date
    end_date: date
    move_skipped_days: bool
    book_beyond_authorization: bool
    status: PlanStatus
    superseded_at: datetime | None
    days_per_week: int
    weekly_hours: float
    sessions: list[PlanSessionRead]
    version: int
    created_at: datetime

    @classmethod
    def of(cls, stored: StoredPlan) -> Self:
        minutes = [row.duration_minutes for row in stored.sessions]
        return cls.from_record(
            stored.plan,
            sessions=[PlanSessionRead.model_validate(row) for row in stored.sessions],
            days_per_week=len({row.weekday for row in stored.sessions}),
            weekly_hours=round(sum(minutes) / 60, 2),
        )


class TreatmentPlanSaved(PlanValidation):
    plan: TreatmentPlanRead
    appointments_added: int
    appointments_kept: int = Field(description="Future appointments the change left as they were.")
    appointments_cancelled: int

    @classmethod
    def of(cls, saved: SavedPlan) -> Self:  # type: ignore[override]
        return cls.model_validate(
            _validation_fields(saved.evaluation)
            | {
                "plan": TreatmentPlanRead.of(saved),
                "appointments_added": saved.changes.added,
                "appointments_kept": saved.changes.kept,
                "appointments_cancelled": saved.changes.cancelled,
            }
        )


def _validation_fields(evaluation: Evaluation) -> dict[str, Any]:
    check, planned = evaluation.check, evaluation.planned
    skipped = {(day.date, day.reason, day.moved_to): None for day in planned.skipped}
    return {
        "days_per_week": check.days_per_week,
        "weekly_hours": check.weekly_hours,
        "appointment_count": len(planned.appointments),
        "violations": [{"code": v.code, "message": v.message} for v in check.violations],
        "flags": [{"code": v.code, "message": v.message} for v in evaluation.flags],
        "beyond_authorization": _beyond(evaluation),
        "short_weeks": [
            {
                "week_starts_on": w.week_starts_on,
                "days": w.days,
                "hours": w.hours,
                "lost_dates": w.lost_dates,
            }
            for w in evaluation.short_weeks
        ],
        "skipped_days": [
            {"date": day, "reason": reason, "moved_to": moved_to}
            for day, reason, moved_to in skipped
        ],
    }


class AppointmentRead(Schema):
    id: uuid.UUID
    patient_id: uuid.UUID
    admission_id: uuid.UUID
    program_id: uuid.UUID
    plan_id: uuid.UUID | None
    plan_session_id: uuid.UUID | None
    group_id: uuid.UUID | None
    staff_id: uuid.UUID | None
    room_id: uuid.UUID | None
    kind: SessionKind
    modality: Modality
    starts_at: datetime
    ends_at: datetime
    local_date: date = Field(description="The date in the program's time zone.")
    planned_starts_at: datetime
    status: AppointmentStatus
    cancel_reason: StoredCancelReason | None
    cancel_note: str | None = Field(examples=[None])
    cancelled_at: datetime | None
    is_rescheduled: bool
    version: int
    updated_at: datetime


class AppointmentUpdate(Schema):
    """Reschedule (a new `starts_at`, staff member or room; null unassigns) or cancel."""

    starts_at: Omittable[Instant] = Field(None, examples=["2026-09-09T22:00:00Z"])
    staff_id: uuid.UUID | None = Field(None, examples=[STAFF_EXAMPLE])
    room_id: uuid.UUID | None = Field(None, examples=[ROOM_EXAMPLE])
    status: Literal["cancelled"] | None = Field(None, examples=["cancelled"])
    cancel_reason: CancelReason | None = Field(None, examples=["patient"])
    note: str | None = Field(None, max_length=500, examples=["Called in sick"])

    @model_validator(mode="after")
    def _reschedule_or_cancel(self) -> Self:
        moves = {"starts_at", "staff_id", "room_id"} & self.model_fields_set
        if self.status == "cancelled":
            if moves:
                raise ValueError("cancel or reschedule, not both")
            if self.cancel_reason is None:
                raise ValueError("a cancellation needs `cancel_reason`: patient or clinic")
        elif self.cancel_reason is not None or self.note is not None:
            raise ValueError("`cancel_reason` and `note` go with `status: cancelled`")
        elif not moves:
            raise ValueError("give a new `starts_at`, `staff_id` or `room_id`, or cancel")
        return self

    @field_validator("starts_at")
    @classmethod
    def _starts_on_the_calendar(cls, value: dt.datetime | None) -> dt.datetime | None:
        # Compared as instants: any offset, no later than the calendar's last day (UTC).
        last = dt.datetime.combine(LAST_DATE, dt.time.max, tzinfo=dt.UTC)
        if value is not None and value > last:
            raise ValueError(f"no later than {LAST_DATE}")
        return value


def _beyond(evaluation: Evaluation) -> dict[str, Any] | None:
    check = evaluation.authorization
    terms = check.terms if check is not None else None
    if check is None or terms is None or not check.beyond:
        return None
    return {
        "authorized_days": terms.authorized_days,
        "authorization_starts_on": terms.starts_on,
        "authorization_ends_on": terms.ends_on,
        "used_days": check.used_days,
        "appointment_count": len(check.beyond),
        "dates_outside_period": check.outside_period,
        "dates_over_authorized_days": check.over_authorized_days,
        "is_booked": evaluation.books_beyond_authorization,
    }
