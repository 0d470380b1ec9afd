"""FHIR search parameters: which each resource supports, and how their values read.

Each resource names its parameters once (`SearchParameter`); the routes refuse any other, and
the CapabilityStatement lists the same tuples, so what it says is what the server does.
Dates take the prefixes `eq` (the default), `ge`, `gt`, `le` and `lt`, at the precision given:
`2026`, `2026-03`, `2026-03-02`, or a time with its offset.
"""

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from app.errors import FieldError
from app.fhir.outcome import BadRequest, NotSupported
from app.pagination import PageParams

SearchType = Literal["token", "string", "date", "reference"]


@dataclass(frozen=True)
class SearchParameter:
    name: str
    type: SearchType
    documentation: str


# Result parameters every search takes, beside its resource's own.
RESULT_PARAMETERS = frozenset({"_count", "_offset", "_format"})
DEFAULT_COUNT, MAX_COUNT = 50, 200


def page_params(
    count: Annotated[
        int,
        Query(
            alias="_count", ge=0, le=MAX_COUNT, description="Resources per page; 0: only `total`."
        ),
    ] = DEFAULT_COUNT,
    offset: Annotated[
        int, Query(alias="_offset", ge=0, description="Resources to skip (the paging links).")
    ] = 0,
) -> PageParams:
    return PageParams(limit=count, offset=offset)


FhirPage = Annotated[PageParams, Depends(page_params)]


def check_parameters(request: Request, supported: Sequence[SearchParameter]) -> None:
    """Refuse a search parameter (or modifier) this server does not support, rather than
    answering as if it had been applied."""
    known = {parameter.name for parameter in supported} | RESULT_PARAMETERS
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        names = ", ".join(sorted(p.name for p in supported)) or "none"
        raise NotSupported(
            f"Unsupported search parameter(s): {', '.join(unknown)}. Supported here: {names}.",
            errors=[
                FieldError(field=name, code="not_supported", message="not supported")
                for name in unknown
            ],
        )


def tokens(value: str | None) -> list[str] | None:
    """A token parameter's codes: `a,b` means either."""
    if value is None:
        return None
    return [code.strip() for code in value.split(",") if code.strip()]


# An id this server never issues: a reference to something that is not ours matches nothing.
NO_SUCH_ID = uuid.UUID(int=0)


def reference_id(value: str | None, resource_type: str, parameter: str) -> uuid.UUID | None:
    """`Patient/<id>`, a bare `<id>`, or an absolute URL ending in `Patient/<id>`."""
    if value is None:
        return None
    *path, last = value.rstrip("/").split("/")
    if path and path[-1] != resource_type:
        raise BadRequest(
            f"`{parameter}` refers to {resource_type} resources, not {path[-1]}.",
            errors=[FieldError(field=parameter, code="invalid", message="wrong resource type")],
        )
    try:
        return uuid.UUID(last)
    except ValueError:
        return NO_SUCH_ID


_PREFIXES = {"eq", "ge", "gt", "le", "lt"}
_UNSUPPORTED_PREFIXES = {"ne", "sa", "eb", "ap"}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class _Value:
    prefix: str
    start: datetime  # the value's own range at its precision: [start, end)
    end: datetime
    has_time: bool


def _parse(parameter: str, raw: str) -> _Value:
    prefix, text = ("eq", raw)
    if raw[:2] in _PREFIXES | _UNSUPPORTED_PREFIXES:
        prefix, text = raw[:2], raw[2:]
    if prefix in _UNSUPPORTED_PREFIXES:
        raise NotSupported(f"`{parameter}` takes the prefixes eq, ge, gt, le and lt.")
    try:
        if match := _DATE.match(text):
            year, month, day = (int(part) if part else None for part in match.groups())
            assert year is not None
            start = datetime(year, month or 1, day or 1, tzinfo=UTC)
            if day is not None:
                end = start + timedelta(days=1)
            elif month is not None:
                end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
            else:
                end = datetime(year + 1, 1, 1, tzinfo=UTC)
            return _Value(prefix, start, end, has_time=False)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequest(
            f"`{parameter}` must be a date (2026-03-02) or a time with its offset"
            " (2026-03-02T18:00:00Z), with an optional prefix such as ge.",
            errors=[FieldError(field=parameter, code="invalid", message="not a date")],
        )
    precision = timedelta(seconds=1) if text.count(":") >= 2 else timedelta(minutes=1)
    if moment.microsecond:
        precision = timedelta(microseconds=1)
    return _Value(prefix, moment.astimezone(UTC), moment.astimezone(UTC) + precision, True)


def _bounds(values: Iterable[_Value]) -> tuple[datetime | None, datetime | None]:
    """The instants every value allows: at or after the first, before the second."""
    lower: datetime | None = None
    upper: datetime | None = None
    for value in values:
        low, high = {
            "eq": (value.start, value.end),
            "ge": (value.start, None),
            "gt": (value.end, None),
            "le": (None, value.end),
            "lt": (None, value.start),
        }[value.prefix]
        if low is not None:
            lower = low if lower is None else max(lower, low)
        if high is not None:
            upper = high if upper is None else min(upper, high)
    return lower, upper


def date_bounds(parameter: str, raws: Sequence[str]) -> tuple[date | None, date | None]:
    """First and last date allowed (inclusive) by date values, for a date without time."""
    values = [_parse(parameter, raw) for raw in raws]
    if any(value.has_time for value in values):
        raise BadRequest(f"`{parameter}` is a date: give it without a time.")
    lower, upper = _bounds(values)
    return (
        None if lower is None else lower.date(),
        None if upper is None else (upper - timedelta(days=1)).date(),
    )


def instant_bounds(parameter: str, raws: Sequence[str]) -> tuple[datetime | None, datetime | None]:
    """Instants allowed by date or time values (dates as days in UTC): at or after the first,
    before the second."""
    return _bounds(_parse(parameter, raw) for raw in raws)


def split_by_precision(parameter: str, raws: Sequence[str]) -> tuple[list[str], list[str]]:
    """Values without a time of day, and values with one."""
    with_time = [raw for raw in raws if _parse(parameter, raw).has_time]
    return [raw for raw in raws if raw not in with_time], with_time
