"""Programs and their versioned settings, staff and rooms."""

import uuid
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select

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
    RoomUpdate,
    StaffCreate,
    StaffUpdate,
)
from app.programs.settings import ProgramSettings
from app.versioning import check_version


def create_program(ctx: Context, body: ProgramCreate) -> Program:
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
    return program


def list_programs(
    ctx: Context, params: PageParams, track: str | None, is_active: bool | None
) -> tuple[list[Program], int]:
    statement = ctx.select(Program)
    if track is not None:
        statement = statement.where(Program.track == track)
    if is_active is not None:
        statement = statement.where(Program.is_active == is_active)
    return fetch_page(ctx.session, statement.order_by(Program.name, Program.id), params)


def update_program(
    ctx: Context, program_id: uuid.UUID, body: ProgramUpdate, expected_version: int | None
) -> Program:
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
    return program


def replace_settings(
    ctx: Context, program_id: uuid.UUID, settings: ProgramSettings, expected_version: int | None
) -> Program:
    """Settings changes make a new version; what was decided under an old one keeps it."""
    program = ctx.get(Program, program_id)
    check_version(program.version, expected_version)
    program.settings_version += 1
    _store_settings(ctx, program, settings)
    ctx.session.flush()
    return program


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


def list_settings_versions(ctx: Context, program_id: uuid.UUID) -> list[ProgramSettingsVersion]:
    program = ctx.get(Program, program_id)
    return list(
        ctx.session.scalars(
            select(ProgramSettingsVersion)
            .where(ProgramSettingsVersion.program_id == program.id)
            .order_by(ProgramSettingsVersion.number.desc())
        )
    )


def program_read(ctx: Context, program: Program) -> ProgramRead:
    return ProgramRead.from_record(program, settings=settings_for(ctx, program))


def create_staff(ctx: Context, body: StaffCreate) -> StaffMember:
    staff = StaffMember(organization_id=ctx.organization_id, **body.model_dump(mode="json"))
    ctx.session.add(staff)
    ctx.session.flush()
    return staff


def create_room(ctx: Context, body: RoomCreate) -> Room:
    room = Room(organization_id=ctx.organization_id, **body.model_dump(mode="json"))
    ctx.session.add(room)
    ctx.session.flush()
    return room


RecordT = TypeVar("RecordT", Program, StaffMember, Room)


def update_record(
    ctx: Context,
    model: type[RecordT],
    record_id: uuid.UUID,
    body: ProgramUpdate | StaffUpdate | RoomUpdate,
    expected_version: int | None,
) -> RecordT:
    """Apply the fields a PATCH sent, if the record is still at the version the client read."""
    record = ctx.get(model, record_id)
    check_version(record.version, expected_version)
    for name, value in body.model_dump(mode="json", exclude_unset=True).items():
        setattr(record, name, value)
    ctx.session.flush()
    return record


def list_records(
    ctx: Context, model: type[StaffMember] | type[Room], params: PageParams, is_active: bool | None
) -> tuple[list[Any], int]:
    statement: Any = ctx.select(model)
    if is_active is not None:
        statement = statement.where(model.is_active == is_active)
    return fetch_page(ctx.session, statement.order_by(model.name, model.id), params)


def program_today(program: Program, now: datetime) -> date:
    """Today's date where the program is: a clinic's day does not end at midnight UTC."""
    return now.astimezone(ZoneInfo(program.time_zone)).date()
