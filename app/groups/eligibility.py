"""Who may take a seat in a group: an admission to its program and a profile meeting its
criteria (domain reference §4)."""

import uuid
from collections.abc import Callable

from app.admissions.models import Admission
from app.context import Context
from app.groups.criteria import Criterion, Profile
from app.groups.models import TherapyGroup
from app.patients.models import Patient
from app.patients.rules import age_on
from app.programs.models import Program
from app.programs.service import program_today, settings_for
from app.vocabulary import ADMITTED

# Only a patient admitted to the group's program, approved or already in treatment, takes part
# in its groups; a pending, held or discharged admission does not.

# Everything a group's criteria may ask of a patient (the keys of `profiles_for`'s profiles):
# criteria on anything else could never be met, so a group asking for it is refused.
PROFILE_ATTRIBUTES = ("age", "is_adolescent", "sex", "gender_identity", "is_veteran", "tags")


def cohort_has_started(ctx: Context, group: TherapyGroup) -> bool:
    """A closed (cohort) group takes members until its first day, in the program's time zone."""
    if group.cohort_starts_on is None:
        return False
    program = ctx.session.get_one(Program, group.program_id)
    return program_today(program, ctx.now) > group.cohort_starts_on


def criteria_of(group: TherapyGroup) -> list[Criterion]:
    return [Criterion.model_validate(criterion) for criterion in group.criteria]


def admission_in_program(
    ctx: Context, patient_id: uuid.UUID, program_id: uuid.UUID
) -> Admission | None:
    """The patient's admission that lets them take a seat, its row locked until the request's
    transaction ends, so a discharge (which locks the admission before changing its status)
    either waits for this enrollment or is seen by it. Callers hold the group's lock first:
    group row, then admission row, everywhere."""
    return ctx.session.scalar(
        ctx.select(Admission)
        .where(
            Admission.patient_id == patient_id,
            Admission.program_id == program_id,
            Admission.status.in_(ADMITTED),
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def profiles_for(ctx: Context, program_id: uuid.UUID) -> Callable[[Patient], Profile]:
    """What group criteria may ask of a patient: age on the program's local date today, and
    whether that makes them an adolescent under the program's settings."""
    program = ctx.session.get_one(Program, program_id)
    today, adult_age = program_today(program, ctx.now), settings_for(ctx, program).adult_age

    def profile(patient: Patient) -> Profile:
        age = age_on(patient.date_of_birth, today)
        return {
            "age": age,
            "is_adolescent": age < adult_age,
            "sex": patient.sex,
            "gender_identity": patient.gender_identity,
            "is_veteran": patient.is_veteran,
            "tags": list(patient.tags),
        }

    return profile
