"""Programs and their versioned settings, staff and rooms."""

import uuid
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select, tuple_

from app.context import Context
from app.errors import FieldError, NotFound, Unprocessable
from app.pagination import PageParams, fetch_page
from app.programs.holiday_calendar import HolidayCalendarError, holiday_calendar
from app.programs.models import Program, ProgramSettingsVersion, Room, StaffMember
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
)
from app.programs.settings import ProgramSettings
from app.versioning import Precondition, check_version


def create_program(ctx: Context, body: ProgramCreate) -> ProgramRead:
    calendar = holiday_calendar(body.country, body.subdivision, body.time_zone)  # checked
    program = Program(
        organization_id=ctx.organization_id,
        **body.model_dump(mode="json", exclude={"settings", "country", "subdivision"}),
        country=calendar.country,
        subdivision=calendar.subdivision,
        holiday_country_source=calendar.source,
        settings_version=1,
    )
    ctx.session.add(program)
    ctx.session.flush()
    _store_settings(ctx, program, body.settings)
    return program_read(ctx, program)


def read_program(ctx: Context, program_id: uuid.UUID) -> ProgramRead:
    return program_read(ctx, ctx.get(Program, program_id))


def list_programs(
    ctx: Context, params: PageParams, track: str | None, is_active: bool | None
) -> tuple[list[ProgramRead], int]:
    statement = ctx.select(Program)
    if track is not None:
        statement = statement.where(Program.track == track)
    if is_active is not None:
        statement = statement.where(Program.is_active == is_active)
    programs, total = fetch_page(ctx.session, statement.order_by(Program.name, Program.id), params)
    return program_reads(ctx, programs), total


def update_program(
    ctx: Context, program_id: uuid.UUID, body: ProgramUpdate, expected_version: Precondition | None
) -> ProgramRead:
    """A PATCH of a program. Its holiday calendar is checked as a whole: a country taken from
    the time zone follows a new time zone, and `country: null` takes the time zone's again."""
    program = ctx.get(Program, program_id)
    check_version(program.version, expected_version)
    changes = body.model_dump(mode="json", exclude_unset=True)
    if changes.keys() & {"country", "subdivision", "time_zone"}:
        if "country" in changes:
            country = changes["country"]
        elif program.holiday_country_source == "given":
            country = program.country
        else:
            country = None  # from the (perhaps new) time zone
        subdivision = changes.get("subdivision", program.subdivision)
        try:
            calendar = holiday_calendar(
                country, subdivision, changes.get("time_zone") or program.time_zone
            )
        except HolidayCalendarError as error:
            problem = FieldError(field=error.field, code="holiday_calendar", message=str(error))
            raise Unprocessable(str(error), errors=[problem]) from error
        changes |= {
            "country": calendar.country,
            "subdivision": calendar.subdivision,
            "holiday_country_source": calendar.source,
        }
    for name, value in changes.items():
        setattr(program, name, value)
    ctx.session.flush()
    return program_read(ctx, program)


def replace_settings(
    ctx: Context,
    program_id: uuid.UUID,
    settings: ProgramSettings,
    expected_version: Precondition | None,
) -> ProgramRead:
    """Settings changes make a new version; what was decided under an old one keeps it."""
    program = ctx.get(Program, program_id)
    check_version(program.version, expected_version)
    program.settings_version += 1
    _store_settings(ctx, program, settings)
    ctx.session.flush()
    return program_read(ctx, program)


def _store_settings(ctx: Context, program: Program, settings: ProgramSettings) -> None:
    ctx.session.add(
        ProgramSettingsVersion(
            organization_id=ctx.organization_id,
            program_id=program.id,
            number=program.settings_version,
            settings=settings.model_dump(mode="json"),
            changed_by_key_id=ctx.principal.key_id,
        )
    )
    ctx.session.flush()


def settings_version(
    ctx: Context, program: Program, number: int | None = None
) -> ProgramSettingsVersion:
    row = ctx.session.scalar(
        select(ProgramSettingsVersion).where(
            ProgramSettingsVersion.program_id == program.id,
            ProgramSettingsVersion.number == (number or program.settings_version),
        )
    )
    if row is None:
        raise NotFound(f"Program {program.id} has no settings version {number}.")
    return row


def settings_for(ctx: Context, program: Program, number: int | None = None) -> ProgramSettings:
    """The program's settings: the current ones, or the version a plan was made under."""
    return ProgramSettings.model_validate(settings_version(ctx, program, number).settings)


def list_settings_versions(ctx: Context, program_id: uuid.UUID) -> list[SettingsVersionRead]:
    program = ctx.get(Program, program_id)
    rows = ctx.session.scalars(
        select(ProgramSettingsVersion)
        .where(ProgramSettingsVersion.program_id == program.id)
        .order_by(ProgramSettingsVersion.number.desc())
    )
    return [SettingsVersionRead.model_validate(row) for row in rows]


def program_reads(ctx: Context, programs: list[Program]) -> list[ProgramRead]:
    """Each program with its current settings, in one query for a page of programs."""
    rows = ctx.session.execute(
        select(ProgramSettingsVersion.program_id, ProgramSettingsVersion.settings).where(
            tuple_(ProgramSettingsVersion.program_id, ProgramSettingsVersion.number).in_(
                [(program.id, program.settings_version) for program in programs]
            )
        )
    )
    settings = {row.program_id: ProgramSettings.model_validate(row.settings) for row in rows}
    for program in programs:
        if program.id not in settings:
            number = program.settings_version
            raise NotFound(f"Program {program.id} has no settings version {number}.")
    return [ProgramRead.from_record(p, settings=settings[p.id]) for p in programs]


def program_read(ctx: Context, program: Program) -> ProgramRead:
    return program_reads(ctx, [program])[0]


def create_staff(ctx: Context, body: StaffCreate) -> StaffRead:
    return StaffRead.model_validate(_create(ctx, StaffMember(**body.model_dump(mode="json"))))


def read_staff(ctx: Context, staff_id: uuid.UUID) -> StaffRead:
    return StaffRead.model_validate(ctx.get(StaffMember, staff_id))


def update_staff(
    ctx: Context, staff_id: uuid.UUID, body: StaffUpdate, expected_version: Precondition | None
) -> StaffRead:
    staff = _update(ctx, StaffMember, staff_id, body, expected_version)
    return StaffRead.model_validate(staff)


def list_staff(
    ctx: Context, params: PageParams, is_active: bool | None
) -> tuple[list[StaffRead], int]:
    staff, total = _list(ctx, StaffMember, params, is_active)
    return [StaffRead.from_record(member) for member in staff], total


def create_room(ctx: Context, body: RoomCreate) -> RoomRead:
    return RoomRead.model_validate(_create(ctx, Room(**body.model_dump(mode="json"))))


def read_room(ctx: Context, room_id: uuid.UUID) -> RoomRead:
    return RoomRead.model_validate(ctx.get(Room, room_id))


def update_room(
    ctx: Context, room_id: uuid.UUID, body: RoomUpdate, expected_version: Precondition | None
) -> RoomRead:
    return RoomRead.model_validate(_update(ctx, Room, room_id, body, expected_version))


def list_rooms(
    ctx: Context, params: PageParams, is_active: bool | None
) -> tuple[list[RoomRead], int]:
    rooms, total = _list(ctx, Room, params, is_active)
    return [RoomRead.from_record(room) for room in rooms], total


RecordT = TypeVar("RecordT", Program, StaffMember, Room)


def _create(ctx: Context, record: RecordT) -> RecordT:
    record.organization_id = ctx.organization_id
    ctx.session.add(record)
    ctx.session.flush()
    return record


def _update(
    ctx: Context,
    model: type[RecordT],
    record_id: uuid.UUID,
    body: ProgramUpdate | StaffUpdate | RoomUpdate,
    expected_version: Precondition | None,
) -> RecordT:
    """Apply the fields a PATCH sent, if the record is still at the version the client read."""
    record = ctx.get(model, record_id)
    check_version(record.version, expected_version)
    for name, value in body.model_dump(mode="json", exclude_unset=True).items():
        setattr(record, name, value)
    ctx.session.flush()
    return record


def _list(
    ctx: Context, model: type[StaffMember] | type[Room], params: PageParams, is_active: bool | None
) -> tuple[list[dict[str, Any]], int]:
    statement = ctx.select_rows(model)
    if is_active is not None:
        statement = statement.where(model.is_active == is_active)
    return fetch_page(ctx.session, statement.order_by(model.name, model.id), params)


def program_today(program: Program | ProgramRead, now: datetime) -> date:
    """Today's date where the program is: a clinic's day does not end at midnight UTC."""
    return now.astimezone(ZoneInfo(program.time_zone)).date()
