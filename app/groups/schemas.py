"""Bodies of therapy groups, their members and group sizing."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, field_validator, model_validator

from app.groups.criteria import Criterion
from app.groups.sizing_rules import ProposedGroup, Specialization, Unplaced
from app.schemas import Date, LocalTime, Omittable, Schema
from app.vocabulary import GroupStatus, MembershipStatus, Modality, SessionKind, Weekday

Track = Literal["day", "evening"]
AdmissionType = Literal["open", "closed"]

# "general" names the group without a specialization wherever a text value is needed (a query
# parameter, a key of `counts`), so no specialization may take that name.
GENERAL = "general"


class GroupTopic(StrEnum):
    """What a group works on; it decides which kind of session its facilitator must lead."""

    process = "process"
    relapse_prevention = "relapse_prevention"
    life_skills = "life_skills"
    stress_management = "stress_management"
    anger_management = "anger_management"
    education = "education"
    family = "family"
    complementary = "complementary"


# docs/domain.md §4: group therapy is the core; education covers life skills, relapse prevention,
# stress and anger management; complementary therapies need specially trained therapists.
TOPIC_KINDS: dict[GroupTopic, SessionKind] = {
    GroupTopic.process: SessionKind.GROUP,
    GroupTopic.relapse_prevention: SessionKind.EDUCATION,
    GroupTopic.life_skills: SessionKind.EDUCATION,
    GroupTopic.stress_management: SessionKind.EDUCATION,
    GroupTopic.anger_management: SessionKind.EDUCATION,
    GroupTopic.education: SessionKind.EDUCATION,
    GroupTopic.family: SessionKind.FAMILY,
    GroupTopic.complementary: SessionKind.COMPLEMENTARY,
}


def session_kind_of(topic: str) -> SessionKind:
    """The kind of session a group of this topic is, as the treatment plan counts it."""
    return TOPIC_KINDS[GroupTopic(topic)]


def _label(value: str | None) -> str | None:
    if value is None:
        return None
    label = value.strip().casefold()
    if not label:
        raise ValueError("must not be blank")
    if label == GENERAL:
        raise ValueError(f"{GENERAL!r} is the group without specialization: send null")
    return label


SpecializationLabel = Annotated[
    str | None,
    Field(
        max_length=60,
        description="The kind of specialized group, compared without regard to case; null for"
        " a general group.",
        examples=["veterans"],
    ),
    AfterValidator(_label),
]


class GroupCreate(Schema):
    program_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200, examples=["Veterans process group"])
    topic: GroupTopic = Field(examples=["process"])
    therapy: str | None = Field(
        None,
        min_length=1,
        max_length=60,
        examples=["music"],
        description="The complementary therapy offered; required for, and only for, the"
        " complementary topic. The facilitator must be trained in it.",
    )
    specialization: SpecializationLabel = None
    facilitator_id: uuid.UUID | None = Field(
        None, description="A staff member who leads this kind of session; may come later."
    )
    modality: Modality = Modality.IN_PERSON
    room_id: uuid.UUID | None = Field(
        None, description="Required in person; a telehealth group has no room."
    )
    weekdays: list[Weekday] = Field(min_length=1, max_length=7, examples=[["monday", "wednesday"]])
    start_time: LocalTime = Field(examples=["18:00"], description="Local time of the program.")
    # The program's `min_session_minutes` (5 or more) decides the shortest group (checks.py).
    duration_minutes: int = Field(ge=5, le=480, examples=[90])
    track: Track | None = Field(None, description="Defaults to the program's track.")
    admission_type: AdmissionType = Field(
        "open", description="`open`: rolling admission; `closed`: a cohort that starts together."
    )
    cohort_starts_on: Date | None = Field(
        None,
        description="A closed group's first day, required for it (and only for it): the cohort"
        " takes no new member after that day.",
        examples=[None],
    )
    criteria: list[Criterion] = Field(
        default_factory=list,
        max_length=20,
        description="Every criterion must be met to join; empty admits anyone admitted to the"
        " program. Attributes: age, sex, gender_identity, is_veteran, is_adolescent, tags.",
    )
    min_size: int | None = Field(
        None, ge=1, le=100, description="Defaults to the program's `group_min_size`."
    )
    max_size: int | None = Field(
        None,
        ge=1,
        le=100,
        description="Defaults to the program's `group_max_size`, which it may not exceed.",
    )

    @field_validator("weekdays")
    @classmethod
    def _each_weekday_once(cls, weekdays: list[Weekday]) -> list[Weekday]:
        if len(set(weekdays)) < len(weekdays):
            raise ValueError("each weekday may appear once")
        return sorted(weekdays, key=lambda day: day.number)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = []
        if (self.topic is GroupTopic.complementary) != (self.therapy is not None):
            problems.append("therapy is required for the complementary topic, and only for it")
        if self.modality is Modality.TELEHEALTH and self.room_id is not None:
            problems.append("a telehealth group has no room")
        if (self.admission_type == "closed") != (self.cohort_starts_on is not None):
            problems.append("cohort_starts_on is required for a closed group, and only for it")
        if self.modality is Modality.IN_PERSON and self.room_id is None:
            problems.append("an in-person group needs a room_id")
        if (self.min_size or 0) > (self.max_size or 100):
            problems.append("min_size must not exceed max_size")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class GroupUpdate(Schema):
    """Fields to change; the program of a group never changes. Null empties only `therapy`,
    `specialization`, `facilitator_id` and `room_id`: the others a group always has."""

    name: Omittable[str] = Field(None, min_length=1, max_length=200)
    topic: Omittable[GroupTopic] = None
    therapy: str | None = Field(None, min_length=1, max_length=60)
    specialization: SpecializationLabel = None
    facilitator_id: uuid.UUID | None = None
    modality: Omittable[Modality] = None
    room_id: uuid.UUID | None = None
    weekdays: Omittable[list[Weekday]] = Field(None, min_length=1, max_length=7)
    start_time: Omittable[LocalTime] = None
    duration_minutes: Omittable[int] = Field(None, ge=5, le=480)
    track: Omittable[Track] = None
    admission_type: Omittable[AdmissionType] = None
    cohort_starts_on: Date | None = None
    criteria: Omittable[list[Criterion]] = Field(None, max_length=20)
    min_size: Omittable[int] = Field(None, ge=1, le=100)
    max_size: Omittable[int] = Field(None, ge=1, le=100)


class GroupRead(Schema):
    id: uuid.UUID
    program_id: uuid.UUID
    name: str = Field(examples=["Veterans process group"])
    topic: GroupTopic
    therapy: str | None = Field(examples=["CBT"])
    specialization: str | None = Field(examples=["veterans"])
    facilitator_id: uuid.UUID | None
    modality: Modality
    room_id: uuid.UUID | None
    weekdays: list[Weekday]
    start_time: LocalTime
    duration_minutes: int = Field(examples=[90])
    track: Track
    admission_type: AdmissionType
    cohort_starts_on: date | None = Field(examples=[None])
    criteria: list[Criterion]
    min_size: int = Field(examples=[4])
    max_size: int = Field(examples=[15])
    status: GroupStatus = Field(
        examples=["active"],
        description="`forming` below min_size (does not meet yet), `active`, `full` at"
        " max_size, `closed`.",
    )
    enrolled_count: int = Field(examples=[9])
    waitlisted_count: int = Field(examples=[0])
    seats_left: int = Field(examples=[6], description="0 when full or closed.")
    closed_at: datetime | None = Field(examples=[None])
    version: int
    created_at: datetime
    updated_at: datetime


class MembershipCreate(Schema):
    patient_id: uuid.UUID
    waitlist_if_full: bool = Field(
        False, description="When the group is full, join its waitlist (202) instead of a 409."
    )


class MembershipRead(Schema):
    id: uuid.UUID
    group_id: uuid.UUID
    patient_id: uuid.UUID
    admission_id: uuid.UUID | None
    status: MembershipStatus
    position: int | None = Field(
        description="Place on the waitlist, 1 is next; null unless waitlisted.", examples=[3]
    )
    requested_at: datetime
    enrolled_at: datetime | None
    promoted_at: datetime | None = Field(description="When a seat came from the waitlist.")
    ended_at: datetime | None
    end_reason: str | None = Field(examples=[None])


PassedOverReason = Literal["criteria_not_met", "admission_required", "plan_violations"]


class PassedOver(Schema):
    """A waitlisted patient whose turn came but who could not take the seat; still waiting."""

    patient_id: uuid.UUID
    reason_code: PassedOverReason
    message: str = Field(examples=["The patient no longer meets the group's criteria."])


class MembershipRemoval(Schema):
    removed: MembershipRead
    promoted: MembershipRead | None = Field(description="Who took the freed seat, if anyone.")
    passed_over: list[PassedOver] = Field(
        description="Waitlisted patients ahead of the promoted one (or all, when no one was"
        " promoted) who could not take the seat."
    )


class SizingPatientRef(Schema):
    patient_id: uuid.UUID
    specialization: SpecializationLabel = None


class GroupSizingRequest(Schema):
    """A cohort to split into groups: patients from the records, or counts per specialization."""

    program_id: uuid.UUID
    patients: list[SizingPatientRef] | None = Field(
        None,
        max_length=1000,
        description="Profiles come from the patients' records and are checked against criteria.",
    )
    counts: (
        dict[
            Annotated[str, Field(min_length=1, max_length=60)], Annotated[int, Field(ge=0, le=1000)]
        ]
        | None
    ) = Field(
        None,
        max_length=50,
        examples=[{"general": 31, "veterans": 5}],
        description=f"Patients per specialization, `{GENERAL}` for the general group.",
    )
    specializations: list[Specialization] | None = Field(
        None,
        max_length=50,
        description="Criteria per specialization; by default, those of the program's open groups"
        " of that specialization.",
    )
    min_size: int | None = Field(None, ge=1, le=100, description="Defaults to the program's.")
    max_size: int | None = Field(None, ge=1, le=100, description="Defaults to the program's.")

    @model_validator(mode="after")
    def _patients_or_counts(self) -> Self:
        if (self.patients is None) == (self.counts is None):
            raise ValueError("send either patients or counts")
        return self


class GroupSizingRead(Schema):
    program_id: uuid.UUID
    min_size: int
    max_size: int
    proposed_groups: list[ProposedGroup]
    unplaced: list[Unplaced]
