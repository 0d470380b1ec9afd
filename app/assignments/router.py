import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from app.assignments import service
from app.assignments.schemas import (
    AssignmentCompletion,
    AssignmentCreate,
    AssignmentKind,
    AssignmentRead,
    AssignmentStatus,
    AssignmentUpdate,
)
from app.context import Context, context_with
from app.openapi import problem_responses
from app.pagination import PageDep, page_body
from app.schemas import Page
from app.security import Permission
from app.versioning import IfMatch, expected_version, with_etag

router = APIRouter(tags=["assignments"])

Reader = Annotated[Context, context_with(Permission.admissions_read)]
Writer = Annotated[Context, context_with(Permission.admissions_write)]
ASSIGNMENTS = "/admissions/{admission_id}/assignments"
ASSIGNMENT = ASSIGNMENTS + "/{assignment_id}"
UPDATE_ERRORS = problem_responses(404, 409, 412)


@router.post(
    ASSIGNMENTS,
    status_code=status.HTTP_201_CREATED,
    summary="Give a patient a home assignment: an exercise, a reading or a video",
    responses=problem_responses(404, 409),
)
def create_assignment(
    admission_id: uuid.UUID, body: AssignmentCreate, ctx: Writer, response: Response
) -> AssignmentRead:
    return with_etag(response, service.create_assignment(ctx, admission_id, body))


@router.get(
    ASSIGNMENTS,
    summary="An admission's home assignments by due date, by status and kind",
    responses=problem_responses(404),
)
def list_assignments(
    admission_id: uuid.UUID,
    ctx: Reader,
    page: PageDep,
    status: AssignmentStatus | None = None,
    kind: AssignmentKind | None = None,
) -> Page[AssignmentRead]:
    found, total = service.list_assignments(ctx, admission_id, page, status, kind)
    return Page[AssignmentRead].model_validate(page_body(found, total, page))


@router.get(ASSIGNMENT, summary="Read a home assignment", responses=problem_responses(404))
def get_assignment(
    admission_id: uuid.UUID, assignment_id: uuid.UUID, ctx: Reader, response: Response
) -> AssignmentRead:
    return with_etag(response, service.read_assignment(ctx, admission_id, assignment_id))


@router.patch(ASSIGNMENT, summary="Update a home assignment", responses=UPDATE_ERRORS)
def update_assignment(
    admission_id: uuid.UUID,
    assignment_id: uuid.UUID,
    body: AssignmentUpdate,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AssignmentRead:
    read = service.update_assignment(
        ctx, admission_id, assignment_id, body, expected_version(if_match)
    )
    return with_etag(response, read)


@router.post(
    ASSIGNMENT + "/complete",
    summary="Mark a home assignment complete, with who and when",
    responses=UPDATE_ERRORS,
)
def complete_assignment(
    admission_id: uuid.UUID,
    assignment_id: uuid.UUID,
    body: AssignmentCompletion,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AssignmentRead:
    read = service.complete_assignment(
        ctx, admission_id, assignment_id, body, expected_version(if_match)
    )
    return with_etag(response, read)
