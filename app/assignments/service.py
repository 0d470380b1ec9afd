"""Home assignments of an admission: patient data, so every read and change is audited."""

import uuid

from app.admissions.models import Admission
from app.admissions.records import open_admission, record_of
from app.assignments.models import HomeAssignment
from app.assignments.schemas import (
    AssignmentCompletion,
    AssignmentCreate,
    AssignmentKind,
    AssignmentRead,
    AssignmentStatus,
    AssignmentUpdate,
)
from app.context import AuditAction, Context
from app.errors import InvalidTransition
from app.events.types import DomainEvent, EventType
from app.pagination import PageParams, fetch_page
from app.versioning import Precondition, check_version


def create_assignment(
    ctx: Context, admission_id: uuid.UUID, body: AssignmentCreate
) -> AssignmentRead:
    admission = open_admission(ctx, admission_id, "nothing more is assigned")
    assignment = HomeAssignment(
        organization_id=ctx.organization_id,
        admission_id=admission.id,
        patient_id=admission.patient_id,
        kind=body.kind.value,
        title=body.title,
        instructions=body.instructions,
        due_on=body.due_on,
        status=AssignmentStatus.assigned.value,
        assigned_by_key_id=ctx.principal.key_id,
    )
    ctx.session.add(assignment)
    return _changed(ctx, assignment, AuditAction.create)


def list_assignments(
    ctx: Context,
    admission_id: uuid.UUID,
    page: PageParams,
    status: AssignmentStatus | None,
    kind: AssignmentKind | None,
) -> tuple[list[AssignmentRead], int]:
    admission = ctx.get(Admission, admission_id)
    statement = ctx.select(HomeAssignment).where(HomeAssignment.admission_id == admission.id)
    if status is not None:
        statement = statement.where(HomeAssignment.status == status)
    if kind is not None:
        statement = statement.where(HomeAssignment.kind == kind)
    ordered = statement.order_by(HomeAssignment.due_on, HomeAssignment.id)
    found, total = fetch_page(ctx.session, ordered, page)
    ids = [assignment.id for assignment in found]
    ctx.audit(AuditAction.list, "home_assignment", ids, patient_id=admission.patient_id)
    return [AssignmentRead.model_validate(assignment) for assignment in found], total


def read_assignment(
    ctx: Context, admission_id: uuid.UUID, assignment_id: uuid.UUID
) -> AssignmentRead:
    assignment = record_of(ctx, HomeAssignment, admission_id, assignment_id)
    ctx.audit(AuditAction.read, "home_assignment", assignment.id, patient_id=assignment.patient_id)
    return AssignmentRead.model_validate(assignment)


def update_assignment(
    ctx: Context,
    admission_id: uuid.UUID,
    assignment_id: uuid.UUID,
    body: AssignmentUpdate,
    expected_version: Precondition | None,
) -> AssignmentRead:
    assignment = record_of(ctx, HomeAssignment, admission_id, assignment_id, for_update=True)
    check_version(assignment.version, expected_version)
    for name, value in body.model_dump(mode="json", exclude_unset=True).items():
        setattr(assignment, name, getattr(body, name) if name == "due_on" else value)
    return _changed(ctx, assignment, AuditAction.update)


def complete_assignment(
    ctx: Context,
    admission_id: uuid.UUID,
    assignment_id: uuid.UUID,
    body: AssignmentCompletion,
    expected_version: Precondition | None,
) -> AssignmentRead:
    assignment = record_of(ctx, HomeAssignment, admission_id, assignment_id, for_update=True)
    check_version(assignment.version, expected_version)
    if assignment.status == AssignmentStatus.completed:
        raise InvalidTransition(
            f"The assignment was already completed at {assignment.completed_at}."
        )
    assignment.status = AssignmentStatus.completed.value
    assignment.completed_at, assignment.completed_by_key_id = ctx.now, ctx.principal.key_id
    assignment.completion_note = body.note
    return _changed(ctx, assignment, AuditAction.transition)


def _changed(ctx: Context, assignment: HomeAssignment, action: AuditAction) -> AssignmentRead:
    ctx.session.flush()
    ctx.audit(action, "home_assignment", assignment.id, patient_id=assignment.patient_id)
    subject = {"home_assignment_id": assignment.id, "admission_id": assignment.admission_id}
    ctx.emit(DomainEvent(EventType.home_assignment_changed, subject, assignment.patient_id))
    return AssignmentRead.model_validate(assignment)
