"""Group sizing: how a cohort splits into groups of the program's bounds. Nothing is stored."""

import uuid

from app.context import AuditAction, Context
from app.errors import FieldError, NotFound, Unprocessable
from app.groups.criteria import Criterion
from app.groups.eligibility import criteria_of, profiles_for
from app.groups.models import TherapyGroup
from app.groups.schemas import GENERAL, GroupSizingRead, GroupSizingRequest
from app.groups.sizing_rules import SizingPatient, SizingRequest, Specialization, plan_groups
from app.patients.models import Patient
from app.programs.models import Program
from app.programs.service import settings_for


def plan_sizes(ctx: Context, body: GroupSizingRequest) -> GroupSizingRead:
    program = ctx.get(Program, body.program_id)
    settings = settings_for(ctx, program)
    min_size = body.min_size or settings.group_min_size
    max_size = body.max_size or settings.group_max_size
    if max_size > settings.group_max_size:
        raise Unprocessable(
            "Groups may not be larger than the program allows.",
            errors=[
                FieldError(
                    field="max_size",
                    code="above_program_maximum",
                    message=f"max_size {max_size} is above the program's maximum group size of"
                    f" {settings.group_max_size}.",
                )
            ],
        )
    patients = _patients(ctx, program, body) if body.patients is not None else _counted(body)
    request = SizingRequest(
        min_size=min_size,
        max_size=max_size,
        specializations=_specializations(ctx, program, body, patients),
        patients=patients,
    )
    plan = plan_groups(request)
    return GroupSizingRead(
        program_id=program.id,
        min_size=min_size,
        max_size=max_size,
        proposed_groups=plan.proposed_groups,
        unplaced=plan.unplaced,
    )


def _patients(ctx: Context, program: Program, body: GroupSizingRequest) -> list[SizingPatient]:
    assert body.patients is not None
    ids = [ref.patient_id for ref in body.patients]
    found = {
        patient.id: patient
        for patient in ctx.session.scalars(
            ctx.select(Patient).where(
                Patient.id.in_(ids),
            )
        )
    }
    missing = [patient_id for patient_id in ids if patient_id not in found]
    if missing:
        raise NotFound(f"No patient with id {missing[0]} in your organization.")
    ctx.audit(AuditAction.read, "patient", list(found))
    profile = profiles_for(ctx, program.id)
    return [
        SizingPatient(
            patient_id=str(ref.patient_id),
            specialization=ref.specialization,
            profile=profile(found[ref.patient_id]),
        )
        for ref in body.patients
    ]


def _counted(body: GroupSizingRequest) -> list[SizingPatient]:
    """Counts become anonymous patients (`veterans-1`, …) whose fit the caller vouches for."""
    assert body.counts is not None
    patients = []
    for key, count in body.counts.items():
        name = _name(key)
        patients += [
            SizingPatient(patient_id=f"{name or GENERAL}-{n}", specialization=name)
            for n in range(1, count + 1)
        ]
    return patients


def _specializations(
    ctx: Context, program: Program, body: GroupSizingRequest, patients: list[SizingPatient]
) -> list[Specialization]:
    """The criteria given, else those of the program's newest open group of that kind."""
    given = [
        Specialization(name=_name(spec.name), criteria=spec.criteria)
        for spec in body.specializations or []
    ]
    known = {spec.name for spec in given}
    wanted = {patient.specialization for patient in patients} - known
    return given + [
        Specialization(name=name, criteria=criteria)
        for name, criteria in _criteria_of_groups(ctx, program.id, wanted).items()
    ]


def _criteria_of_groups(
    ctx: Context, program_id: uuid.UUID, names: set[str | None]
) -> dict[str | None, list[Criterion]]:
    groups = ctx.session.scalars(
        ctx.select(TherapyGroup)
        .where(
            TherapyGroup.program_id == program_id,
            TherapyGroup.closed_at.is_(None),
        )
        .order_by(TherapyGroup.created_at, TherapyGroup.id)
    )
    # The newest group of a kind states its current criteria.
    return {
        group.specialization: criteria_of(group)
        for group in groups
        if group.specialization in names
    }


def _name(label: str | None) -> str | None:
    if label is None:
        return None
    name = label.strip().casefold()
    return None if name == GENERAL else name
