import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.case_management import service
from app.case_management.rules import CaseTaskStatus
from app.case_management.schemas import (
    CaseTaskCategory,
    CaseTaskCreate,
    CaseTaskRead,
    CaseTaskUpdate,
)
from app.context import Context, context_with
from app.openapi import problem_responses
from app.pagination import PageDep, page_body
from app.schemas import Date, Page
from app.security import Permission
from app.versioning import IfMatch, expected_version, with_etag

router = APIRouter(tags=["case-management"])

# Part of the patient's record: the roles that read and write admissions, and no payer.
Reader = Annotated[Context, context_with(Permission.admissions_read)]
Writer = Annotated[Context, context_with(Permission.admissions_write)]
TASKS = "/admissions/{admission_id}/case-tasks"
TASK = TASKS + "/{task_id}"


@router.post(
    TASKS,
    status_code=status.HTTP_201_CREATED,
    summary="Open a case-management task with its owner and due date",
    responses=problem_responses(404, 409),
)
def create_case_task(
    admission_id: uuid.UUID, body: CaseTaskCreate, ctx: Writer, response: Response
) -> CaseTaskRead:
    return with_etag(response, service.create_case_task(ctx, admission_id, body))


@router.get(
    TASKS,
    summary="An admission's case-management tasks, due first, by status, category and owner",
    responses=problem_responses(404),
)
def list_case_tasks(
    admission_id: uuid.UUID,
    ctx: Reader,
    page: PageDep,
    status: CaseTaskStatus | None = None,
    category: CaseTaskCategory | None = None,
    owner_staff_id: uuid.UUID | None = None,
    due_by: Annotated[Date | None, Query(description="Due on this day or before.")] = None,
) -> Page[CaseTaskRead]:
    found, total = service.list_case_tasks(
        ctx,
        admission_id,
        page,
        status=status,
        category=category,
        owner_staff_id=owner_staff_id,
        due_by=due_by,
    )
    return Page[CaseTaskRead].model_validate(page_body(found, total, page))


@router.get(TASK, summary="Read a case-management task", responses=problem_responses(404))
def get_case_task(
    admission_id: uuid.UUID, task_id: uuid.UUID, ctx: Reader, response: Response
) -> CaseTaskRead:
    return with_etag(response, service.read_case_task(ctx, admission_id, task_id))


@router.patch(
    TASK,
    summary="Update a case-management task: its owner, due date or status",
    responses=problem_responses(404, 409, 412),
)
def update_case_task(
    admission_id: uuid.UUID,
    task_id: uuid.UUID,
    body: CaseTaskUpdate,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> CaseTaskRead:
    read = service.update_case_task(ctx, admission_id, task_id, body, expected_version(if_match))
    return with_etag(response, read)
