"""Shared schema base, the value types every body and query parameter uses, and the page shape.

Input is read the one way its OpenAPI schema declares it, so a client generated from the
document and the server agree on what is valid:

- no string anywhere holds the NUL character (PostgreSQL text cannot store it);
- dates, instants and local times are read from ISO 8601 text only, never from a JSON number
  (which pydantic would take as seconds since 1970), and within the calendar this service
  supports;
- integers fit a 32-bit column unless a field bounds them more tightly;
- a field of a PATCH body declared `Omittable` may be left out but not sent as null: its schema
  is not nullable, and null is a 422.
"""

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError, core_schema

# One money type: exact cents, serialized as a string so no client parses it as a float.
Money = Annotated[
    Decimal,
    Field(max_digits=12, decimal_places=2),
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="json"),
]

# Integers stored in (or compared with) a 32-bit column; fields with a domain bound use it.
INT32_MAX = 2**31 - 1
Int32 = Annotated[int, Field(ge=-(2**31), le=INT32_MAX)]

# The calendar of this service: a date of birth, a consent, an authorization or an appointment
# outside it is a typo, and dates near year 1 or 9999 overflow once days are added to them.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2100, 12, 31)
FIRST_INSTANT = datetime.combine(FIRST_DATE, time.min, tzinfo=UTC)
LAST_INSTANT = datetime.combine(LAST_DATE, time.max, tzinfo=UTC)

_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_INSTANT_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:\d{2})"
)
# What the schema of a local time declares, and the one form the server reads and writes.
LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:00)?$"
_LOCAL_TIME_TEXT = re.compile(LOCAL_TIME_PATTERN)


def _date_text(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_TEXT.fullmatch(value):
        return value
    raise PydanticCustomError("date_format", "Input should be a date written YYYY-MM-DD")


def _on_the_calendar(value: date) -> date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise PydanticCustomError(
            "date_out_of_range",
            "Input should be a date from {first} to {last}",
            {"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()},
        )
    return value


def _instant_text(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _INSTANT_TEXT.fullmatch(value):
        return value
    raise PydanticCustomError(
        "datetime_format",
        "Input should be a date and time with its UTC offset, such as 2026-03-02T18:00:00Z",
    )


def _instant_on_the_calendar(value: datetime) -> datetime:
    if not FIRST_INSTANT <= value <= LAST_INSTANT:
        raise PydanticCustomError(
            "datetime_out_of_range",
            "Input should be a moment from {first} to {last}",
            {"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()},
        )
    return value


def _local_time_text(value: object) -> object:
    if isinstance(value, time):
        return value
    if isinstance(value, str) and _LOCAL_TIME_TEXT.fullmatch(value):
        return value
    raise PydanticCustomError(
        "local_time_format",
        "Input should be a local wall-clock time to the minute, such as 18:00, without a UTC"
        " offset",
    )


def _to_the_minute(value: time) -> time:
    if value.tzinfo is not None or value.second or value.microsecond:
        raise PydanticCustomError(
            "local_time_format", "Input should be a local wall-clock time to the minute"
        )
    return value


# A calendar date: `YYYY-MM-DD` text from 1900-01-01 to 2100-12-31.
Date = Annotated[
    date,
    BeforeValidator(_date_text),
    AfterValidator(_on_the_calendar),
]

# A moment: RFC 3339 text with its UTC offset, on the same calendar.
Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_instant_text),
    AfterValidator(_instant_on_the_calendar),
]

# When a session, meeting or opening hour starts or ends: the program's local wall-clock time,
# to the minute, written `HH:MM` (`HH:MM:00` is read too), never with a UTC offset.
LocalTime = Annotated[
    time,
    BeforeValidator(_local_time_text),
    AfterValidator(_to_the_minute),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": LOCAL_TIME_PATTERN, "examples": ["18:00"]}),
]


def _refuse_null(value: object) -> object:
    if value is None:
        raise PydanticCustomError(
            "null_not_allowed", "May not be null; leave the field out to keep its value"
        )
    return value


def _not_nullable(schema: dict[str, Any]) -> None:
    """The field's schema without its `null` alternative and without the `null` default."""
    schema.pop("default", None)
    alternatives = [s for s in schema.pop("anyOf", []) if s != {"type": "null"}]
    if len(alternatives) == 1:
        schema.update(alternatives[0])
    elif alternatives:
        schema["anyOf"] = alternatives


T = TypeVar("T")

# A PATCH field a record always has: left out, the stored value stays; null is a 422. Declare it
# `name: Omittable[str] = Field(None, …)`; in Python it is None when left out.
Omittable = Annotated[
    T | None, BeforeValidator(_refuse_null), Field(json_schema_extra=_not_nullable)
]


Location = tuple[int | str, ...]


def nul_character_errors(locations: Iterable[Location]) -> list[dict[str, Any]]:
    """Validation errors, in pydantic's form, for each place that holds NUL."""
    message = "Text may not contain the NUL character (U+0000)"
    return [{"type": "nul_character", "loc": loc, "msg": message} for loc in locations]


def nul_locations(value: object, at: Location = ()) -> Iterator[Location]:
    """Where a decoded JSON document holds the NUL character, in a key or a string.

    PostgreSQL text cannot store NUL, so no request may carry it. It is refused once, where a
    request comes in (`app.middleware`), rather than by a validator on every field of every
    model: read models are built from stored rows, which were checked when they came in."""
    if isinstance(value, str):
        if "\x00" in value:
            yield at
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                yield (*at, key)
            else:
                yield from nul_locations(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nul_locations(item, (*at, index))


def _number_not_bool_or_text(value: object) -> object:
    if isinstance(value, bool | str):
        raise PydanticCustomError("number_type", "Input should be a number, not text or a boolean")
    return value


def _as_json_types(node: object) -> None:
    """Numbers and booleans of a core schema read as JSON writes them: pydantic's lax mode
    would take `0` for false, `true` for 1 and `"5"` for 5, none of which the OpenAPI schema
    allows. Integral floats such as `2.0` stay integers, as in JSON Schema."""
    if isinstance(node, list):
        for item in node:
            _as_json_types(item)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")  # a dict where `node` maps field names (one may be "type")
    if kind == "function-before" and node["function"].get("function") is _number_not_bool_or_text:
        return  # done already: pydantic hands out the same schema of a model again
    if kind == "bool":
        node["strict"] = True
    elif isinstance(kind, str) and kind in {"int", "float"}:
        inner = dict(node)
        node.clear()
        node.update(core_schema.no_info_before_validator_function(_number_not_bool_or_text, inner))
        return
    for key, value in node.items():
        # JSON object keys are always text: `{"2026": …}` is how a key of a year arrives.
        if key != "metadata" and not (kind == "dict" and key == "keys_schema"):
            _as_json_types(value)


_ABSENT = object()


class Schema(BaseModel):
    """Base of every request and response body: unknown fields are rejected, not ignored; no
    number is NaN or infinite, text or a boolean; no boolean a number. (No string holds NUL:
    requests are screened for it before any model sees them, see `nul_locations`.)"""

    model_config = ConfigDict(
        extra="forbid", from_attributes=True, populate_by_name=True, allow_inf_nan=False
    )

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[BaseModel], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema = handler(source)
        _as_json_types(schema)
        return schema

    @classmethod
    def from_record(cls, record: object, **derived: Any) -> Self:
        """A read model from a stored record, plus the `derived` fields the record does not
        hold (counts, statuses, related rows). The record is an ORM instance, or a row of its
        table's columns (`Context.select_rows`, for a list that only shows them)."""
        if isinstance(record, dict):
            stored = {
                name: record[name]
                for name in cls.model_fields
                if name in record and name not in derived
            }
            return cls.model_validate(stored | derived)
        stored = {}
        for name in cls.model_fields:
            if name not in derived:
                # One read per field: a mapped attribute is a descriptor call, and `hasattr`
                # before `getattr` would pay it twice for every field of every record.
                value = getattr(record, name, _ABSENT)
                if value is not _ABSENT:
                    stored[name] = value
        return cls.model_validate(stored | derived)


ItemT = TypeVar("ItemT")


class Page(Schema, Generic[ItemT]):
    """One page of a list: `items`, the `total` that match, and the window asked for."""

    items: list[ItemT]
    total: int | None = Field(
        description="How many items match the filters, over all pages; null when the request"
        " asked not to count them (`total=false`)."
    )
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])
