import uuid
import zoneinfo
from datetime import datetime
from typing import Annotated, Literal, Self

import holidays
from pydantic import Field, field_validator, model_validator

from app.programs.holiday_calendar import HolidayCountrySource, holiday_calendar
from app.programs.settings import ProgramSettings
from app.schemas import Date, LocalTime, Omittable, Schema
from app.vocabulary import SessionKind, Weekday

Track = Literal["day", "evening"]
Therapy = Annotated[str, Field(min_length=1, max_length=60)]


class DayHours(Schema):
    opens: LocalTime = Field(examples=["09:00"])
    closes: LocalTime = Field(examples=["13:00"])

    @model_validator(mode="after")
    def _opens_before_closing(self) -> Self:
        if self.opens >= self.closes:
            raise ValueError("opens must be before closes")
        return self


class Closure(Schema):
    date: Date
    reason: str = Field(min_length=1, max_length=200, examples=["Staff training day"])


# Files of the time zone database that are no place's clock: `localtime` is whatever the
# server's machine is set to, `Factory` a placeholder zone whose abbreviation is "-00".
NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})


class _ProgramFields(Schema):
    @field_validator("time_zone", check_fields=False)
    @classmethod
    def _known_time_zone(cls, value: str | None) -> str | None:
        if value is not None and value not in zoneinfo.available_timezones():
            raise ValueError(f"unknown IANA time zone {value!r}")
        if value in NOT_PLACES:
            raise ValueError(f"{value!r} names no place's clock; give the program's IANA zone")
        return value

    @model_validator(mode="after")
    def _known_holiday_country(self) -> Self:
        # What the body alone shows; an update is checked against the stored program as well
        # (`service.update_program`).
        country = getattr(self, "country", None)
        subdivision = getattr(self, "subdivision", None)
        if country is not None:
            supported = holidays.list_supported_countries()
            if country not in supported:
                raise ValueError(f"no public holiday calendar for country {country!r}")
            if subdivision is not None and subdivision not in supported[country]:
                raise ValueError(f"{country} has no subdivision {subdivision!r}")
        return self


OPERATING_HOURS_EXAMPLE = {
    day: {"opens": "09:00", "closes": "13:00"}
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


class ProgramCreate(_ProgramFields):
    name: str = Field(min_length=1, max_length=200, examples=["Adult IOP – Evening"])
    level: Literal["2.1"] = Field("2.1", description="ASAM level of care of the program.")
    track: Track = Field(examples=["evening"])
    time_zone: str = Field(examples=["America/New_York"])
    operating_hours: dict[Weekday, DayHours] = Field(
        min_length=1, examples=[OPERATING_HOURS_EXAMPLE]
    )
    country: str | None = Field(
        None,
        examples=["US"],
        description="ISO 3166 country whose public holidays close the program. When omitted, "
        "the country of `time_zone` (422 for a time zone of no country, such as UTC).",
    )
    subdivision: str | None = Field(
        None,
        examples=["MA"],
        description="State or province adding its own public holidays, with the codes and "
        "holidays of the `holidays` package.",
    )
    closures: list[Closure] = Field(default_factory=list)
    settings: ProgramSettings = Field(default_factory=ProgramSettings)

    @model_validator(mode="after")
    def _holiday_calendar(self) -> Self:
        holiday_calendar(self.country, self.subdivision, self.time_zone)
        return self


class ProgramUpdate(_ProgramFields):
    """Fields to change. Null is accepted by `country` (take the time zone's country again)
    and `subdivision` (none) only."""

    name: Omittable[str] = Field(None, min_length=1, max_length=200)
    operating_hours: Omittable[dict[Weekday, DayHours]] = Field(None, min_length=1)
    time_zone: Omittable[str] = Field(
        None, description="A holiday country taken from the time zone follows it."
    )
    country: str | None = Field(
        None, description="null: take the country of the program's time zone again."
    )
    subdivision: str | None = None
    closures: Omittable[list[Closure]] = Field(None, description="`[]` clears them.")
    is_active: Omittable[bool] = None


class ProgramRead(Schema):
    id: uuid.UUID
    name: str = Field(examples=["Adult IOP – Evening"])
    level: str = Field(examples=["2.1"])
    track: Track
    time_zone: str = Field(examples=["America/New_York"])
    operating_hours: dict[Weekday, DayHours]
    country: str | None = Field(
        examples=["US"], description="Whose public holidays close the program."
    )
    subdivision: str | None = Field(examples=["NY"])
    holiday_country_source: HolidayCountrySource | None = Field(
        description="`given` when the country was set, `time_zone` when it is the time zone's; "
        "null (with no country) only for a program stored before a country was required whose "
        "time zone has none: it observes no public holidays until a country is set.",
        examples=["time_zone"],
    )
    closures: list[Closure]
    is_active: bool
    settings_version: int
    settings: ProgramSettings
    version: int
    created_at: datetime
    updated_at: datetime


class SettingsVersionRead(Schema):
    number: int
    settings: ProgramSettings
    created_at: datetime
    changed_by_key_id: uuid.UUID | None


class StaffCreate(Schema):
    name: str = Field(min_length=1, max_length=200, examples=["Dana Whitfield"])
    title: str | None = Field(None, max_length=100, examples=["Licensed counselor"])
    credential: str | None = Field(None, max_length=40, examples=["LPC"])
    license_number: str | None = Field(None, max_length=60, examples=["LPC-20417"])
    session_kinds: list[SessionKind] = Field(
        default_factory=list,
        examples=[["group", "individual"]],
        description="Kinds of session this person may lead.",
    )
    therapies: list[Therapy] = Field(
        default_factory=list,
        max_length=20,
        examples=[["music"]],
        description="Complementary therapies this person is trained for (music, art, equine…).",
    )
    email: str | None = Field(None, max_length=200, examples=["ada.reyes@clinic.example"])


class StaffUpdate(Schema):
    """Fields to change; null clears `title`, `credential`, `license_number` and `email`."""

    name: Omittable[str] = Field(None, min_length=1, max_length=200)
    title: str | None = Field(None, max_length=100)
    credential: str | None = Field(None, max_length=40)
    license_number: str | None = Field(None, max_length=60)
    session_kinds: Omittable[list[SessionKind]] = None
    therapies: Omittable[list[Therapy]] = Field(None, max_length=20)
    email: str | None = Field(None, max_length=200)
    is_active: Omittable[bool] = None


class StaffRead(StaffCreate):
    id: uuid.UUID
    is_active: bool
    version: int


class RoomCreate(Schema):
    name: str = Field(min_length=1, max_length=100, examples=["Group room B"])
    capacity: int = Field(ge=1, le=500, examples=[16])
    location: str | None = Field(None, max_length=200, examples=["2nd floor"])


class RoomUpdate(Schema):
    """Fields to change; null clears only `location`."""

    name: Omittable[str] = Field(None, min_length=1, max_length=100)
    capacity: Omittable[int] = Field(None, ge=1, le=500)
    location: str | None = Field(None, max_length=200)
    is_active: Omittable[bool] = None


class RoomRead(RoomCreate):
    id: uuid.UUID
    is_active: bool
    version: int
