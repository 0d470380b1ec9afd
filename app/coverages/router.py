import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from app.context import Context, context_with
from app.coverages import service
from app.coverages.schemas import CoverageCreate, CoverageRead, CoverageUpdate
from app.openapi import problem_responses
from app.security import Permission
from app.versioning import IfMatch, expected_version, with_etag

router = APIRouter(tags=["coverages"])

Reader = Annotated[Context, context_with(Permission.coverages_read)]
Writer = Annotated[Context, context_with(Permission.coverages_write)]
NOT_FOUND = problem_responses(404)
UPDATE_ERRORS = problem_responses(404, 409, 412)
COVERAGE = "/patients/{patient_id}/coverages/{coverage_id}"


@router.post(
    "/patients/{patient_id}/coverages",
    status_code=status.HTTP_201_CREATED,
    summary="Record a patient's coverage: payer, plan period and benefits",
    responses=NOT_FOUND,
)
def create_coverage(
    patient_id: uuid.UUID, body: CoverageCreate, ctx: Writer, response: Response
) -> CoverageRead:
    return with_etag(response, service.create_coverage(ctx, patient_id, body))


@router.get(
    "/patients/{patient_id}/coverages",
    summary="A patient's coverages, newest first",
    responses=NOT_FOUND,
)
def list_coverages(patient_id: uuid.UUID, ctx: Reader) -> list[CoverageRead]:
    return service.list_coverages(ctx, patient_id)


@router.get(COVERAGE, summary="Read a coverage", responses=NOT_FOUND)
def get_coverage(
    patient_id: uuid.UUID, coverage_id: uuid.UUID, ctx: Reader, response: Response
) -> CoverageRead:
    return with_etag(response, service.read_coverage(ctx, coverage_id, patient_id))


@router.patch(COVERAGE, summary="Update a coverage", responses=UPDATE_ERRORS)
def update_coverage(
    patient_id: uuid.UUID,
    coverage_id: uuid.UUID,
    body: CoverageUpdate,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> CoverageRead:
    read = service.update_coverage(ctx, patient_id, coverage_id, body, expected_version(if_match))
    return with_etag(response, read)


@router.delete(
    COVERAGE,
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a coverage (soft: estimates made with it keep their terms)",
    responses=UPDATE_ERRORS,
)
def delete_coverage(
    patient_id: uuid.UUID, coverage_id: uuid.UUID, ctx: Writer, if_match: IfMatch = None
) -> None:
    service.delete_coverage(ctx, patient_id, coverage_id, expected_version(if_match))
