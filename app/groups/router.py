import uuid
from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.context import Context, context_with
from app.flows import groups as group_flows
from app.groups import examples, membership, service, sizing
from app.groups.schemas import (
    GroupCreate,
    GroupRead,
    GroupSizingRead,
    GroupSizingRequest,
    GroupUpdate,
    MembershipCreate,
    MembershipRead,
    MembershipRemoval,
)
from app.idempotency.middleware import READ_ONLY
from app.openapi import problem_responses
from app.pagination import PageDep, page_body
from app.schemas import Page
from app.security import Permission
from app.versioning import IfMatch, expected_version, with_etag
from app.vocabulary import OPEN_MEMBERSHIP, GroupStatus, MembershipStatus

router = APIRouter(tags=["groups"])

Reader = Annotated[Context, context_with(Permission.groups_read)]
Writer = Annotated[Context, context_with(Permission.groups_write)]
NOT_FOUND = problem_responses(404)
CHANGE_ERRORS = problem_responses(404, 409, 412)


@router.post(
    "/groups",
    status_code=HTTPStatus.CREATED,
    summary="Set up a therapy group",
    responses=problem_responses(404, 422, r422=examples.GROUP_SETUP_422),
)
def create_group(body: GroupCreate, ctx: Writer, response: Response) -> GroupRead:
    return with_etag(response, service.create_group(ctx, body))


@router.get("/groups", summary="Find groups: by program, specialization, status, free seats")
def list_groups(
    ctx: Reader,
    page: PageDep,
    program_id: uuid.UUID | None = None,
    specialization: Annotated[
        str | None, Query(max_length=60, description="`general` for groups without one.")
    ] = None,
    has_seats: Annotated[bool | None, Query(description="Open and below max_size.")] = None,
    status: GroupStatus | None = None,
) -> Page[GroupRead]:
    filters = service.GroupFilters(program_id, specialization, has_seats, status)
    groups, total = service.list_groups(ctx, filters, page)
    return Page[GroupRead].model_validate(page_body(groups, total, page))


@router.post(
    "/groups/sizing",
    summary="Plan how a cohort splits into groups within the size bounds (stores nothing)",
    openapi_extra=READ_ONLY,
    responses=problem_responses(404),
)
def plan_group_sizes(body: GroupSizingRequest, ctx: Writer) -> GroupSizingRead:
    return sizing.plan_sizes(ctx, body)


# `{group_id:uuid}`: only a UUID names a group, so `/groups/sizing` is never read as one (a
# PATCH there is a 405, not a malformed id).
@router.get("/groups/{group_id:uuid}", summary="Read a group with its counts", responses=NOT_FOUND)
def get_group(group_id: uuid.UUID, ctx: Reader, response: Response) -> GroupRead:
    return with_etag(response, service.read_group(ctx, group_id))


@router.patch("/groups/{group_id:uuid}", summary="Update a group", responses=CHANGE_ERRORS)
def update_group(
    group_id: uuid.UUID,
    body: GroupUpdate,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> GroupRead:
    return with_etag(
        response, group_flows.change_group(ctx, group_id, body, expected_version(if_match))
    )


@router.post(
    "/groups/{group_id}/close",
    summary="Close a group: its members leave it and its waitlist is cleared",
    responses=CHANGE_ERRORS,
)
def close_group(
    group_id: uuid.UUID, ctx: Writer, response: Response, if_match: IfMatch = None
) -> GroupRead:
    return with_etag(response, group_flows.close_group(ctx, group_id, expected_version(if_match)))


@router.get(
    "/groups/{group_id}/members",
    summary="Members and the waitlist, in order, with waitlist positions",
    responses=NOT_FOUND,
)
def list_group_members(
    group_id: uuid.UUID,
    ctx: Reader,
    page: PageDep,
    status: Annotated[
        list[MembershipStatus] | None, Query(description="Default: enrolled and waitlisted.")
    ] = None,
) -> Page[MembershipRead]:
    members, total = membership.list_members(ctx, group_id, status or list(OPEN_MEMBERSHIP), page)
    return Page[MembershipRead].model_validate(page_body(members, total, page))


@router.post(
    "/groups/{group_id}/members",
    status_code=HTTPStatus.CREATED,
    summary="Enroll a patient, or put them on the waitlist when the group is full",
    responses=examples.ENROLLMENT_RESPONSES,
)
def add_group_member(
    group_id: uuid.UUID, body: MembershipCreate, ctx: Writer, response: Response
) -> MembershipRead:
    member = group_flows.enroll(ctx, group_id, body)
    if member.status is MembershipStatus.waitlisted:
        response.status_code = HTTPStatus.ACCEPTED
    return member


@router.delete(
    "/groups/{group_id}/members/{patient_id}",
    summary="Remove a patient from a group or its waitlist; a freed seat goes to the waitlist",
    responses=NOT_FOUND,
)
def remove_group_member(
    group_id: uuid.UUID,
    patient_id: uuid.UUID,
    ctx: Writer,
    reason: Annotated[
        str, Query(min_length=1, max_length=500, examples=["Stepped down to outpatient care"])
    ],
) -> MembershipRemoval:
    return group_flows.leave(ctx, group_id, patient_id, reason)
