"""Shared schema base and the one pagination shape."""

from datetime import time
from decimal import Decimal
from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

# One money type: exact cents, serialized as a string so no client parses it as a float.
Money = Annotated[
    Decimal,
    Field(max_digits=12, decimal_places=2),
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="json"),
]


def _to_the_minute(value: time) -> time:
    if value.tzinfo is not None or value.second or value.microsecond:
        raise ValueError("a local wall-clock time to the minute, such as 18:00")
    return value


# When a session or meeting starts: the program's local wall-clock time, to the minute.
LocalTime = Annotated[time, AfterValidator(_to_the_minute)]


class Schema(BaseModel):
    """Base of every request and response body: unknown fields are rejected, not ignored."""

    model_config = ConfigDict(extra="forbid", from_attributes=True, populate_by_name=True)

    @classmethod
    def from_record(cls, record: object, **derived: Any) -> Self:
        """A read model from a stored record's attributes, plus the `derived` fields the
        record does not hold (counts, statuses, related rows)."""
        stored = {
            name: getattr(record, name)
            for name in cls.model_fields
            if name not in derived and hasattr(record, name)
        }
        return cls.model_validate(stored | derived)


ItemT = TypeVar("ItemT")


class Page(Schema, Generic[ItemT]):
    """One page of a list: `items`, the `total` that match, and the window asked for."""

    items: list[ItemT]
    total: int = Field(description="How many items match the filters, over all pages.")
    limit: int
    offset: int
