import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from app.context import Context, context_with
from app.openapi import problem_responses
from app.pagination import PageDep, page_body
from app.programs import service
from app.programs.schemas import (
    ProgramCreate,
    ProgramRead,
    ProgramUpdate,
    RoomCreate,
    RoomRead,
    RoomUpdate,
    SettingsVersionRead,
    StaffCreate,
    StaffRead,
    StaffUpdate,
    Track,
)
from app.programs.settings import ProgramSettings
from app.schemas import Page
from app.security import Permission
from app.versioning import IfMatch, expected_version, with_etag

router = APIRouter(tags=["programs"])
staff_router = APIRouter(tags=["staff"])
rooms_router = APIRouter(tags=["rooms"])

Reader = Annotated[Context, context_with(Permission.programs_read)]
Writer = Annotated[Context, context_with(Permission.programs_write)]
NOT_FOUND = problem_responses(404)
UPDATE_ERRORS = problem_responses(404, 409, 412)


@router.post("/programs", status_code=status.HTTP_201_CREATED, summary="Create a program")
def create_program(body: ProgramCreate, ctx: Writer, response: Response) -> ProgramRead:
    return with_etag(response, service.create_program(ctx, body))


@router.get("/programs", summary="List programs")
def list_programs(
    ctx: Reader, page: PageDep, track: Track | None = None, is_active: bool | None = None
) -> Page[ProgramRead]:
    programs, total = service.list_programs(ctx, page, track, is_active)
    return Page[ProgramRead].model_validate(page_body(programs, total, page))


@router.get("/programs/{program_id}", summary="Read a program", responses=NOT_FOUND)
def get_program(program_id: uuid.UUID, ctx: Reader, response: Response) -> ProgramRead:
    return with_etag(response, service.read_program(ctx, program_id))


@router.patch("/programs/{program_id}", summary="Update a program", responses=UPDATE_ERRORS)
def update_program(
    program_id: uuid.UUID,
    body: ProgramUpdate,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> ProgramRead:
    program = service.update_program(ctx, program_id, body, expected_version(if_match))
    return with_etag(response, program)


@router.put(
    "/programs/{program_id}/settings",
    summary="Replace a program's settings (a new version; plans keep theirs)",
    responses=UPDATE_ERRORS,
)
def replace_program_settings(
    program_id: uuid.UUID,
    body: ProgramSettings,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> ProgramRead:
    program = service.replace_settings(ctx, program_id, body, expected_version(if_match))
    return with_etag(response, program)


@router.get(
    "/programs/{program_id}/settings/versions",
    summary="Every settings version of a program, newest first",
    responses=NOT_FOUND,
)
def list_program_settings_versions(program_id: uuid.UUID, ctx: Reader) -> list[SettingsVersionRead]:
    return service.list_settings_versions(ctx, program_id)


@staff_router.post("/staff", status_code=status.HTTP_201_CREATED, summary="Add a staff member")
def create_staff(body: StaffCreate, ctx: Writer, response: Response) -> StaffRead:
    return with_etag(response, service.create_staff(ctx, body))


@staff_router.get("/staff", summary="List staff members")
def list_staff(ctx: Reader, page: PageDep, is_active: bool | None = None) -> Page[StaffRead]:
    staff, total = service.list_staff(ctx, page, is_active)
    return Page[StaffRead].model_validate(page_body(staff, total, page))


@staff_router.get("/staff/{staff_id}", summary="Read a staff member", responses=NOT_FOUND)
def get_staff(staff_id: uuid.UUID, ctx: Reader, response: Response) -> StaffRead:
    return with_etag(response, service.read_staff(ctx, staff_id))


@staff_router.patch("/staff/{staff_id}", summary="Update a staff member", responses=UPDATE_ERRORS)
def update_staff(
    staff_id: uuid.UUID,
    body: StaffUpdate,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> StaffRead:
    staff = service.update_staff(ctx, staff_id, body, expected_version(if_match))
    return with_etag(response, staff)


@rooms_router.post("/rooms", status_code=status.HTTP_201_CREATED, summary="Add a room")
def create_room(body: RoomCreate, ctx: Writer, response: Response) -> RoomRead:
    return with_etag(response, service.create_room(ctx, body))


@rooms_router.get("/rooms", summary="List rooms")
def list_rooms(ctx: Reader, page: PageDep, is_active: bool | None = None) -> Page[RoomRead]:
    rooms, total = service.list_rooms(ctx, page, is_active)
    return Page[RoomRead].model_validate(page_body(rooms, total, page))


@rooms_router.get("/rooms/{room_id}", summary="Read a room", responses=NOT_FOUND)
def get_room(room_id: uuid.UUID, ctx: Reader, response: Response) -> RoomRead:
    return with_etag(response, service.read_room(ctx, room_id))


@rooms_router.patch("/rooms/{room_id}", summary="Update a room", responses=UPDATE_ERRORS)
def update_room(
    room_id: uuid.UUID,
    body: RoomUpdate,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> RoomRead:
    room = service.update_room(ctx, room_id, body, expected_version(if_match))
    return with_etag(response, room)
