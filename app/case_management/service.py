"""Case-management tasks of an admission: patient data (PHI), so every read and change is
audited and only roles that read admissions see them."""

import uuid
from datetime import date

from app.admissions.models import Admission
from app.admissions.records import open_admission, record_of
from app.case_management.models import CaseTask
from app.case_management.rules import CLOSED, CaseTaskStatus, may_move
from app.case_management.schemas import (
    CaseTaskCategory,
    CaseTaskCreate,
    CaseTaskRead,
    CaseTaskUpdate,
)
from app.context import AuditAction, Context
from app.errors import FieldError, InvalidTransition, Unprocessable
from app.events.types import DomainEvent, EventType
from app.pagination import PageParams, fetch_page
from app.programs.models import StaffMember
from app.versioning import Precondition, check_version


def create_case_task(ctx: Context, admission_id: uuid.UUID, body: CaseTaskCreate) -> CaseTaskRead:
    admission = open_admission(ctx, admission_id, "no new task is opened")
    _check_owner(ctx, body.owner_staff_id)
    task = CaseTask(
        organization_id=ctx.organization_id,
        admission_id=admission.id,
        patient_id=admission.patient_id,
        category=body.category.value,
        title=body.title,
        details=body.details,
        owner_staff_id=body.owner_staff_id,
        due_on=body.due_on,
        status=CaseTaskStatus.open.value,
        created_by_key_id=ctx.principal.key_id,
    )
    _move(ctx, task, body.status)
    ctx.session.add(task)
    return _changed(ctx, task, AuditAction.create)


def list_case_tasks(
    ctx: Context,
    admission_id: uuid.UUID,
    page: PageParams,
    *,
    status: CaseTaskStatus | None = None,
    category: CaseTaskCategory | None = None,
    owner_staff_id: uuid.UUID | None = None,
    due_by: date | None = None,
) -> tuple[list[CaseTaskRead], int]:
    admission = ctx.get(Admission, admission_id)
    statement = ctx.select(CaseTask).where(CaseTask.admission_id == admission.id)
    if status is not None:
        statement = statement.where(CaseTask.status == status)
    if category is not None:
        statement = statement.where(CaseTask.category == category)
    if owner_staff_id is not None:
        statement = statement.where(CaseTask.owner_staff_id == owner_staff_id)
    if due_by is not None:
        statement = statement.where(CaseTask.due_on <= due_by)
    # Tasks without a due date come last: what is due first is worked on first.
    ordered = statement.order_by(CaseTask.due_on.is_(None), CaseTask.due_on, CaseTask.id)
    found, total = fetch_page(ctx.session, ordered, page)
    ctx.audit(AuditAction.list, "case_task", [t.id for t in found], patient_id=admission.patient_id)
    return [CaseTaskRead.model_validate(task) for task in found], total


def read_case_task(ctx: Context, admission_id: uuid.UUID, task_id: uuid.UUID) -> CaseTaskRead:
    task = record_of(ctx, CaseTask, admission_id, task_id)
    ctx.audit(AuditAction.read, "case_task", task.id, patient_id=task.patient_id)
    return CaseTaskRead.model_validate(task)


def update_case_task(
    ctx: Context,
    admission_id: uuid.UUID,
    task_id: uuid.UUID,
    body: CaseTaskUpdate,
    expected_version: Precondition | None,
) -> CaseTaskRead:
    task = record_of(ctx, CaseTask, admission_id, task_id, for_update=True)
    check_version(task.version, expected_version)
    changes = body.model_dump(exclude_unset=True, exclude={"status"})
    if CaseTaskStatus(task.status) in CLOSED and changes:
        raise InvalidTransition(f"The task is {task.status}: a closed task is kept as it was.")
    if body.owner_staff_id is not None:
        _check_owner(ctx, body.owner_staff_id)
    for name, value in changes.items():
        setattr(task, name, value.value if isinstance(value, CaseTaskCategory) else value)
    if body.status is not None:
        _move(ctx, task, body.status)
    return _changed(ctx, task, AuditAction.update)


def _move(ctx: Context, task: CaseTask, wanted: CaseTaskStatus) -> None:
    current = CaseTaskStatus(task.status)
    if not may_move(current, wanted):
        raise InvalidTransition(f"The task is {current}: done and cancelled tasks are final.")
    if wanted == current:
        return
    task.status = wanted.value
    if wanted in CLOSED:
        task.closed_at, task.closed_by_key_id = ctx.now, ctx.principal.key_id


def _check_owner(ctx: Context, staff_id: uuid.UUID) -> None:
    """The owner is a staff member of the caller's organization who still works there."""
    staff = ctx.session.scalars(ctx.select(StaffMember).where(StaffMember.id == staff_id)).first()
    if staff is None:
        code, message = "unknown_staff", "No staff member with this id in your organization."
    elif not staff.is_active:
        code, message = "inactive_staff", "This staff member is no longer active."
    else:
        return
    raise Unprocessable(
        "The task's owner is not one of your staff.",
        errors=[FieldError(field="owner_staff_id", code=code, message=message)],
    )


def _changed(ctx: Context, task: CaseTask, action: AuditAction) -> CaseTaskRead:
    ctx.session.flush()
    ctx.audit(action, "case_task", task.id, patient_id=task.patient_id)
    subject = {"case_task_id": task.id, "admission_id": task.admission_id}
    ctx.emit(DomainEvent(EventType.case_task_changed, subject, task.patient_id))
    return CaseTaskRead.model_validate(task)
