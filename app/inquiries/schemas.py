"""What the website submits, what it is answered, and what staff see and do."""

import uuid
from datetime import date, datetime
from typing import Literal, Self

from pydantic import Field, model_validator

from app.coverages.schemas import CoverageRead, PayerType
from app.patients.schemas import PatientRead, Sex
from app.schemas import Date, Schema

InquiryStatus = Literal["new", "assigned", "converted", "closed"]
# Why an inquiry ends without becoming a patient.
CloseReason = Literal["unreachable", "declined", "not_eligible", "duplicate", "other"]


class InsuranceInquiryCreate(Schema):
    """The "check your insurance" form. The person must agree to be contacted."""

    given_name: str = Field(min_length=1, max_length=100, examples=["Alex"])
    family_name: str = Field(min_length=1, max_length=100, examples=["Rivera"])
    date_of_birth: Date = Field(examples=["1990-05-17"])
    email: str | None = Field(
        None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        examples=["alex.rivera@example.org"],
    )  # fmt: skip
    phone: str | None = Field(
        None, max_length=40, pattern=r"^\+?[0-9 ().-]{7,40}$", examples=["+1 413 555 0199"]
    )
    payer_name: str = Field(min_length=1, max_length=200, examples=["Blue Harbor Health Plan"])
    member_id: str = Field(min_length=1, max_length=80, examples=["BHP123456789"])
    consents_to_contact: bool = Field(
        examples=[True], description="Must be true: the clinic contacts the person with the answer."
    )

    @model_validator(mode="after")
    def _reachable_with_consent(self) -> Self:
        if not self.consents_to_contact:
            raise ValueError("consents_to_contact must be true: the clinic calls or writes back")
        if self.email is None and self.phone is None:
            raise ValueError("give an email or a phone number to be contacted at")
        return self


class InsuranceInquiryAccepted(Schema):
    """The website's whole answer: the inquiry was received. Nothing of it can be read back
    with the website's key."""

    id: uuid.UUID
    status: Literal["received"] = "received"


class InsuranceInquiryRead(Schema):
    id: uuid.UUID
    given_name: str = Field(examples=["Alex"])
    family_name: str = Field(examples=["Rivera"])
    date_of_birth: date = Field(examples=["1988-07-14"])
    email: str | None = Field(examples=["alex.rivera@example.org"])
    phone: str | None = Field(examples=["+1 413 555 0199"])
    payer_name: str = Field(examples=["Blue Harbor Health Plan"])
    member_id: str = Field(examples=["BHP123456789"])
    consents_to_contact: bool
    status: InquiryStatus
    assigned_to_staff_id: uuid.UUID | None
    assigned_at: datetime | None
    patient_id: uuid.UUID | None = Field(description="The patient it was converted to.")
    converted_at: datetime | None
    closed_at: datetime | None
    close_reason: CloseReason | None
    close_note: str | None
    received_at: datetime
    deleted_after: date = Field(
        description="The day after which the daily sweep deletes it (the organization's"
        " retention period)."
    )
    version: int


class InquiryAssignment(Schema):
    staff_member_id: uuid.UUID = Field(description="The staff member who follows it up.")


class InquiryClosure(Schema):
    """Why the inquiry ends without a patient. It stays readable, closed, until the retention
    period deletes it like any other."""

    reason: CloseReason = Field(
        examples=["unreachable"],
        description="`unreachable`: no answer at the contact given; `declined`: the person chose"
        " not to go on; `not_eligible`: the payer or the program does not fit; `duplicate`:"
        " another inquiry of the same person is followed up; `other`: the note says why.",
    )
    note: str | None = Field(
        None, min_length=1, max_length=500, examples=["Three calls and an email, no answer."]
    )

    @model_validator(mode="after")
    def _other_says_why(self) -> Self:
        if self.reason == "other" and self.note is None:
            raise ValueError("a closure for another reason needs a note saying why")
        return self


class InquiryConversion(Schema):
    """What staff add when the person becomes a patient: the payer's id (the one its
    verification partner's key carries) and what to ask it about."""

    payer_type: PayerType = Field(examples=["commercial"])
    payer_id: str = Field(min_length=1, max_length=80, examples=["60054"])
    group_number: str | None = Field(None, max_length=80, examples=["GRP-0042"])
    sex: Sex | None = None
    service_starts_on: Date | None = Field(
        None, examples=["2026-03-09"], description="First date of service; today when left out."
    )
    service_ends_on: Date | None = Field(None, examples=["2026-06-05"])

    @model_validator(mode="after")
    def _service_period_in_order(self) -> Self:
        starts, ends = self.service_starts_on, self.service_ends_on
        if starts is not None and ends is not None and ends < starts:
            raise ValueError("service_ends_on cannot be before service_starts_on")
        return self


class InquiryConverted(Schema):
    inquiry: InsuranceInquiryRead
    patient: PatientRead
    coverage: CoverageRead
    verification_id: uuid.UUID = Field(description="The verification request sent to the payer.")
