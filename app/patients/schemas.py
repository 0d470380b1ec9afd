import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.schemas import Date, Omittable, Schema

Sex = Literal["female", "male", "other", "unknown"]
Tag = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]{0,39}$")]
ConsentPurpose = Literal["treatment", "payment", "health_care_operations", "research", "other"]


class Identifier(Schema):
    system: str = Field(
        min_length=1, max_length=200, examples=["urn:oid:2.16.840.1.113883.19.5.99999.1"]
    )
    value: str = Field(min_length=1, max_length=100, examples=["MRN-004512"])


class Address(Schema):
    line: str | None = Field(None, max_length=200, examples=["12 Elm Street"])
    city: str | None = Field(None, max_length=100, examples=["Springfield"])
    state: str | None = Field(None, max_length=50, examples=["MA"])
    postal_code: str | None = Field(None, max_length=20, examples=["01103"])
    country: str | None = Field(None, max_length=2, examples=["US"])


class Guardian(Schema):
    name: str = Field(min_length=1, max_length=200, examples=["Maria Rivera"])
    relationship: str = Field(min_length=1, max_length=60, examples=["mother"])
    phone: str | None = Field(None, max_length=40, examples=["+1 413 555 0142"])
    email: str | None = Field(None, max_length=200, examples=["maria.rivera@example.org"])


class _PatientFields(Schema):
    sex: Sex | None = Field(None, description="Administrative sex (FHIR AdministrativeGender).")
    gender_identity: str | None = Field(
        None, max_length=40, examples=["woman"], description="As the patient states it."
    )
    is_veteran: bool | None = Field(None, examples=[False])
    tags: list[Tag] = Field(
        default_factory=list,
        max_length=30,
        examples=[["lgbtq", "trauma_survivor"]],
        description="Attributes specialized groups may ask for (snake_case words).",
    )
    phone: str | None = Field(None, max_length=40, examples=["+1 413 555 0199"])
    email: str | None = Field(None, max_length=200, examples=["alex.rivera@example.org"])
    address: Address | None = None
    guardian: Guardian | None = Field(None, description="Required before admitting a minor.")


class PatientCreate(_PatientFields):
    given_name: str = Field(min_length=1, max_length=100, examples=["Alex"])
    family_name: str = Field(min_length=1, max_length=100, examples=["Rivera"])
    date_of_birth: Date = Field(examples=["1990-05-17"])
    identifiers: list[Identifier] = Field(default_factory=list, max_length=20)


class PatientUpdate(Schema):
    """Fields to change. Names, date of birth, tags and identifiers may be left out but not
    emptied with null; null clears the others."""

    given_name: Omittable[str] = Field(None, min_length=1, max_length=100)
    family_name: Omittable[str] = Field(None, min_length=1, max_length=100)
    date_of_birth: Omittable[Date] = None
    sex: Sex | None = None
    gender_identity: str | None = Field(None, max_length=40)
    is_veteran: bool | None = None
    tags: Omittable[list[Tag]] = Field(None, max_length=30, description="`[]` clears them.")
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=200)
    address: Address | None = None
    guardian: Guardian | None = None
    identifiers: Omittable[list[Identifier]] = Field(
        None, max_length=20, description="Replaces the whole list when given; `[]` clears it."
    )


class PatientRead(_PatientFields):
    id: uuid.UUID
    given_name: str = Field(examples=["Alex"])
    family_name: str = Field(examples=["Rivera"])
    date_of_birth: date = Field(examples=["1988-07-14"])
    identifiers: list[Identifier]
    version: int
    created_at: datetime
    updated_at: datetime


class ConsentCreate(Schema):
    """A 42 CFR Part 2 consent to disclose SUD treatment records."""

    recipient: str = Field(min_length=1, max_length=200, examples=["Blue Harbor Health Plan"])
    purposes: list[ConsentPurpose] = Field(min_length=1, examples=[["payment"]])
    information: str = Field(
        min_length=1, max_length=500, examples=["Dates of service, level of care, attendance"]
    )
    signed_on: Date = Field(examples=["2026-03-02"])
    expires_on: Date | None = Field(None, examples=["2027-03-02"])


class ConsentRead(ConsentCreate):
    id: uuid.UUID
    patient_id: uuid.UUID
    revoked_at: datetime | None
    is_in_force: bool = Field(description="Signed, not expired and not revoked today.")
