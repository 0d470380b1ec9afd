"""Attendance marks in and out: one appointment, one group meeting, a batch from an EHR."""

import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from app.admissions.schemas import DischargeType
from app.attendance.rules import ComplianceStatus, ReasonCode
from app.schemas import Date, Instant, Schema
from app.vocabulary import AlertCode, AlertStatus, AppointmentStatus, AttendanceStatus, ScreenResult

MAX_BATCH = 10_000
MAX_SESSION_MINUTES = 720  # the longest plan session


class AttendanceMark(Schema):
    status: AttendanceStatus = Field(examples=["late"])
    minutes_attended: int | None = Field(
        None,
        ge=0,
        le=MAX_SESSION_MINUTES,
        examples=[150],
        description="Leave out when the whole session was attended (present) or missed"
        " (absences); required for late and left_early.",
    )


class AttendanceRevisionRead(Schema):
    """A mark a correction replaced."""

    status: AttendanceStatus
    minutes_attended: int
    recorded_at: datetime
    recorded_by_key_id: uuid.UUID | None
    replaced_at: datetime
    replaced_by_key_id: uuid.UUID | None


class AttendanceRead(Schema):
    appointment_id: uuid.UUID
    admission_id: uuid.UUID
    patient_id: uuid.UUID
    local_date: date
    status: AttendanceStatus
    minutes_attended: int
    scheduled_minutes: int
    is_beyond_authorization: bool = Field(
        description="Attended on a day the authorization does not cover: not billable as is."
    )
    recorded_at: datetime
    recorded_by_key_id: uuid.UUID | None
    history: list[AttendanceRevisionRead] = Field(description="Earlier marks, oldest first.")


class MemberMark(AttendanceMark):
    patient_id: uuid.UUID


class GroupMeetingMarks(Schema):
    marks: list[MemberMark] = Field(min_length=1, max_length=100)


class MemberAttendance(Schema):
    patient_id: uuid.UUID
    given_name: str = Field(examples=["Alex"])
    family_name: str = Field(examples=["Rivera"])
    appointment_id: uuid.UUID
    appointment_status: AppointmentStatus
    attendance: AttendanceRead | None = Field(description="Null: not recorded yet.")


class GroupMeetingAttendance(Schema):
    group_id: uuid.UUID
    date: date
    members: list[MemberAttendance] = Field(
        description="Everyone the group had that day, recorded or not."
    )


class BatchRecord(AttendanceMark):
    """An appointment by its id, or by the patient's identifier and its start time."""

    appointment_id: uuid.UUID | None = None
    patient_identifier: str | None = Field(
        None, max_length=301, pattern=r"^[^|]{1,200}\|[^|]{1,100}$", examples=["urn:ehr:mrn|4512"]
    )
    starts_at: Instant | None = Field(None, examples=["2026-03-02T23:00:00Z"])

    @model_validator(mode="after")
    def _names_an_appointment(self) -> Self:
        by_patient = self.patient_identifier is not None and self.starts_at is not None
        if (self.appointment_id is None) == (not by_patient):
            raise ValueError("give appointment_id, or patient_identifier and starts_at")
        return self


class AttendanceBatch(Schema):
    records: list[BatchRecord] = Field(min_length=1, max_length=MAX_BATCH)


class BatchError(Schema):
    index: int = Field(description="The record's position in `records`, from 0.")
    code: str = Field(examples=["before_session"])
    message: str = Field(examples=["No appointment of this patient on that date."])


class BatchResult(Schema):
    created: int = Field(description="Appointments marked for the first time.")
    corrected: int = Field(description="Marks changed; the earlier one kept in the history.")
    unchanged: int = Field(description="Records that said what was already recorded.")
    errors: list[BatchError]


class WeekRead(Schema):
    week: str = Field(examples=["2026-W10"], description="The ISO week.")
    starts_on: date
    scheduled_hours: float
    attended_hours: float = Field(description="Real minutes attended, in hours.")
    scheduled_days: int
    treatment_days: int = Field(description="Days with at least one session attended.")
    min_weekly_hours: float
    min_days_per_week: int
    holidays: list[date] = Field(description="Weekdays the program was closed: a holiday week.")
    is_holiday_week: bool = Field(description="Not held to the minimums.")
    is_complete: bool
    meets_hours: bool | None = Field(description="Null: not judged (holiday week, or not over).")
    meets_days: bool | None


class ReasonRead(Schema):
    code: ReasonCode = Field(examples=["consecutive_absences"])
    message: str = Field(examples=["3 unexcused absences in a row."])


class AttendanceSummary(Schema):
    admission_id: uuid.UUID
    as_of: date = Field(description="Today in the program's time zone.")
    weeks: list[WeekRead]
    attendance_rate: float | None = Field(
        description="Minutes attended ÷ minutes scheduled of the sessions marked so far."
    )
    consecutive_unexcused_absences: int
    days_since_last_attendance: int | None
    authorized_days_used: int
    authorized_days_left: int | None
    status: ComplianceStatus = Field(examples=["at_risk"])
    suggested_discharge_type: DischargeType | None = Field(
        examples=[None],
        description="With pending_discharge: what a clinician confirms through the discharge.",
    )
    reasons: list[ReasonRead]


class AlertRead(Schema):
    id: uuid.UUID
    program_id: uuid.UUID
    admission_id: uuid.UUID
    patient_id: uuid.UUID
    code: AlertCode = Field(examples=["consecutive_absences"])
    message: str = Field(examples=["3 unexcused absences in a row."])
    status: AlertStatus = Field(examples=["open"])
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by_key_id: uuid.UUID | None
    resolved_at: datetime | None
    resolved_by_key_id: uuid.UUID | None
    resolution_note: str | None = Field(examples=[None])


class AlertResolution(Schema):
    note: str | None = Field(None, max_length=1000, examples=["Called; back on Monday."])


class DaySheetEntry(Schema):
    appointment_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    kind: str = Field(examples=["group"])
    modality: str = Field(examples=["in_person"])
    appointment_status: AppointmentStatus
    patient_id: uuid.UUID
    given_name: str = Field(examples=["Alex"])
    family_name: str = Field(examples=["Rivera"])
    group_id: uuid.UUID | None
    group_name: str | None = Field(examples=["Veterans process group"])
    staff_id: uuid.UUID | None
    staff_name: str | None = Field(examples=["Dr. Ada Reyes"])
    room_id: uuid.UUID | None
    room_name: str | None = Field(examples=["Group room B"])
    attendance_status: AttendanceStatus | None = Field(description="Null: not recorded yet.")
    minutes_attended: int | None


class DaySheet(Schema):
    program_id: uuid.UUID
    date: date
    entries: list[DaySheetEntry] = Field(
        description="By start time, then group, then patient: the page the front desk prints."
    )


Substance = Annotated[str, StringConstraints(min_length=1, max_length=60, strip_whitespace=True)]


class DrugScreenCreate(Schema):
    collected_on: Date = Field(
        description="The day the sample was collected, in treatment and not in the future.",
        examples=["2026-03-04"],
    )
    result: ScreenResult = Field(examples=["positive"])
    substances: list[Substance] = Field(
        default_factory=list,
        max_length=30,
        description="What was detected: required with a positive result, empty otherwise.",
        examples=[["opiates", "fentanyl"]],
    )
    note: str | None = Field(None, max_length=1000, examples=["Observed urine sample."])

    @model_validator(mode="after")
    def _substances_with_positive_only(self) -> Self:
        if self.result == ScreenResult.positive and not self.substances:
            raise ValueError("a positive result names the substances detected")
        if self.result != ScreenResult.positive and self.substances:
            raise ValueError("substances are named with a positive result only")
        return self


class DrugScreenRead(Schema):
    id: uuid.UUID
    admission_id: uuid.UUID
    patient_id: uuid.UUID
    collected_on: date
    result: ScreenResult
    substances: list[str] = Field(examples=[["opioids"]])
    note: str | None = Field(examples=["Observed urine sample."])
    action: str | None = Field(
        examples=["review"],
        description="With a positive result, the program's policy applied when it was"
        " recorded: `review` or `recommend_discharge`.",
    )
    recorded_at: datetime
    recorded_by_key_id: uuid.UUID | None
