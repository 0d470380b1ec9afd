import uuid
from datetime import date, datetime
from typing import Literal, Self

from pydantic import Field, model_validator

from app.admissions.assessment import Assessment, Decision
from app.admissions.lifecycle import AdmissionAction
from app.errors import FieldError
from app.schemas import Date, Schema
from app.vocabulary import AdmissionStatus

DischargeType = Literal[
    "completed", "step_down", "step_up", "against_advice", "dropped_out", "administrative", "other"
]


class EvaluationRequest(Assessment):
    program_id: uuid.UUID | None = Field(
        None, description="Evaluate with this program's settings; the defaults otherwise."
    )


class Evaluation(Decision):
    program_id: uuid.UUID | None
    settings_version: int | None = Field(description="The program settings version applied.")
    evaluated_on: date


class AdmissionCreate(Schema):
    patient_id: uuid.UUID
    program_id: uuid.UUID
    assessment: Assessment
    assessed_on: Date | None = Field(None, description="Defaults to today in the program.")
    is_step_down: bool = Field(
        False, description="Stepping down from a higher level: may sit below the weekly minimum "
        "for the program's step-down grace weeks.",
    )  # fmt: skip
    part2_notice_given_on: Date | None = Field(
        None, description="When the 42 CFR Part 2 notice was given; required before approval."
    )


class Approval(Schema):
    """A clinician approves the clinical documentation and records the authorization."""

    authorized_days: int = Field(ge=1, le=366, examples=[30])
    authorization_starts_on: Date = Field(examples=["2026-03-09"])
    authorization_ends_on: Date = Field(examples=["2026-04-30"])
    next_review_on: Date = Field(examples=["2026-04-06"])
    reason: str | None = Field(None, max_length=1000, examples=["Documentation complete."])

    @model_validator(mode="after")
    def _consistent_dates(self) -> Self:
        span = (self.authorization_ends_on - self.authorization_starts_on).days + 1
        if span < 1:
            raise ValueError("authorization_ends_on must not be before authorization_starts_on")
        if self.authorized_days > span:
            raise ValueError(f"{self.authorized_days} authorized days do not fit in {span} days")
        if not self.authorization_starts_on <= self.next_review_on <= self.authorization_ends_on:
            raise ValueError("next_review_on must fall within the authorization period")
        return self

    def implausible(self, today: date, max_days: int) -> list[FieldError]:
        """What today and the program's settings refuse: a period already over, or longer
        than the program accepts. It may start in the past: payers authorize retroactively."""
        errors = []
        if self.authorization_ends_on < today:
            errors.append(FieldError(
                field="authorization_ends_on", code="already_ended",
                message=f"The authorization ended on {self.authorization_ends_on}, before today.",
            ))  # fmt: skip
        span = (self.authorization_ends_on - self.authorization_starts_on).days + 1
        if span > max_days:
            errors.append(FieldError(
                field="authorization_ends_on", code="period_too_long",
                message=f"The authorization lasts {span} days; the program accepts at most"
                f" {max_days} (setting max_authorization_days).",
            ))  # fmt: skip
        return errors


class Start(Schema):
    started_on: Date | None = Field(None, description="Defaults to today in the program.")
    reason: str | None = Field(None, max_length=1000)


class StatusChange(Schema):
    reason: str = Field(min_length=1, max_length=1000, examples=["Patient hospitalized."])


class Discharge(Schema):
    type: DischargeType = Field(examples=["completed"])
    discharged_on: Date | None = Field(None, description="Defaults to today in the program.")
    reason: str = Field(min_length=1, max_length=1000, examples=["Completed the program."])


class Reassessment(Schema):
    assessment: Assessment
    assessed_on: Date | None = Field(None, description="Defaults to today in the program.")


class Authorization(Schema):
    """The authorization in force: the payer's latest approved decision, else the one
    recorded when a clinician approved the admission."""

    authorized_days: int = Field(examples=[20])
    starts_on: date
    ends_on: date
    next_review_on: date | None
    reference_number: str | None = Field(
        examples=["PA-2026-0117"],
        description="The payer's number; null for the authorization given at approval.",
    )


class DischargeRead(Schema):
    type: DischargeType
    discharged_on: date
    reason: str | None = Field(examples=["Completed the program."])


class ApprovedBy(Schema):
    """The licensed staff member whose clinician key approved the admission."""

    staff_id: uuid.UUID
    name: str = Field(examples=["Dr. Ada Reyes"])
    credential: str | None = Field(examples=["MD"])


class AdmissionRead(Schema):
    id: uuid.UUID
    patient_id: uuid.UUID
    program_id: uuid.UUID
    status: AdmissionStatus = Field(examples=["active"])
    allowed_actions: list[AdmissionAction]
    decision: Decision = Field(description="The latest assessment's decision.")
    settings_version: int
    is_adolescent: bool
    is_step_down: bool
    part2_notice_given_on: date | None
    authorization: Authorization | None
    approved_by: ApprovedBy | None = Field(
        description="Who approved it; null before approval (and for approvals recorded before"
        " clinician keys named their staff member)."
    )
    started_on: date | None
    discharge: DischargeRead | None = Field(examples=[None])
    version: int
    created_at: datetime
    updated_at: datetime


class AssessmentRead(Schema):
    id: uuid.UUID
    assessed_on: date
    assessment: Assessment
    decision: Decision
    level_change_recommended: bool = Field(
        description="The decision recommends another level than the program's."
    )
    created_at: datetime


class TransitionRead(Schema):
    from_status: AdmissionStatus | None
    to_status: AdmissionStatus
    occurred_at: datetime
    by_key_id: uuid.UUID | None
    reason: str | None = Field(examples=["Documentation complete."])


AuthorizationKind = Literal["initial", "concurrent_review"]
AuthorizationDecision = Literal["approved", "denied"]


class AuthorizationCreate(Schema):
    """A payer's prior-authorization decision on an admission, or a concurrent review of it.

    An approved `initial` decision gives the treatment days and the period; an approved
    `concurrent_review` extends the authorization in force: `authorized_days` is the total
    after the review (the days already authorized included) and `ends_on` the new end, while
    the start stays as it was. A denial gives no terms; the authorization stays as it was."""

    kind: AuthorizationKind = Field("initial", examples=["initial"])
    decision: AuthorizationDecision = Field(examples=["approved"])
    reference_number: str = Field(
        min_length=1, max_length=50, pattern=r"^\S(.*\S)?$", examples=["PA-2026-0117"],
        description="The payer's authorization or review number.",
    )  # fmt: skip
    decided_on: Date | None = Field(None, description="When the payer decided; today if left out.")
    authorized_days: int | None = Field(
        None, ge=1, le=366, examples=[20], description="Treatment days, not calendar days."
    )
    starts_on: Date | None = Field(None, examples=["2026-03-09"])
    ends_on: Date | None = Field(None, examples=["2026-04-30"])
    next_review_on: Date | None = Field(None, examples=["2026-04-06"])
    denial_reason: str | None = Field(None, max_length=500, examples=[None])

    @model_validator(mode="after")
    def _terms_match_the_decision(self) -> Self:
        if self.decision == "denied":
            given = [name for name in _TERMS if getattr(self, name) is not None]
            if given:
                raise ValueError(f"a denial gives no terms ({', '.join(given)})")
            return self
        if self.denial_reason is not None:
            raise ValueError("an approval gives no denial_reason")
        needed = ["authorized_days", "ends_on"] + (["starts_on"] if self.kind == "initial" else [])
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"an approved {self.kind} gives {', '.join(missing)}")
        if self.kind == "concurrent_review" and self.starts_on is not None:
            raise ValueError("a concurrent review keeps the authorization's start: no starts_on")
        return self


_TERMS = ("authorized_days", "starts_on", "ends_on", "next_review_on")


class AuthorizationRead(Schema):
    """A recorded decision. `is_in_force` marks the one whose terms scheduling and attendance
    count against (the latest approved)."""

    id: uuid.UUID
    admission_id: uuid.UUID
    payer_id: str = Field(examples=["60054"])
    kind: AuthorizationKind
    decision: AuthorizationDecision
    reference_number: str = Field(examples=["PA-2026-0117"])
    decided_on: date
    authorized_days: int | None
    starts_on: date | None
    ends_on: date | None
    next_review_on: date | None
    denial_reason: str | None = Field(examples=[None])
    extends_id: uuid.UUID | None = Field(
        description="The approved authorization a concurrent review extends or declines to."
    )
    is_in_force: bool
    recorded_at: datetime
