"""Answer examples composed from a schema: what a reader of the document sees for a type."""

from typing import Any

import pytest

from app.openapi import compose_example

UUID = {"type": "string", "format": "uuid"}
NOTE, CHAIN = {"$ref": "#/components/schemas/Note"}, {"$ref": "#/components/schemas/Chain"}
COMPONENTS: dict[str, Any] = {
    "Status": {"type": "string", "enum": ["active", "closed"]},
    "Note": {
        "type": "object",
        "properties": {"id": UUID, "replies": {"type": "array", "items": NOTE}},
    },
    "Chain": {
        "type": "object",
        "properties": {"next": {"anyOf": [CHAIN, {"type": "null"}]}},
    },
}  # fmt: skip


@pytest.mark.parametrize(
    ("schema", "example"),
    [
        ({"type": "string", "examples": ["Alex"], "default": "x"}, "Alex"),
        ({"type": "integer", "default": 90}, 90),
        ({"const": "USD", "type": "string"}, "USD"),
        ({"$ref": "#/components/schemas/Status"}, "active"),
        ({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}, "2026-03-02"),
        ({"type": "string", "format": "date-time"}, "2026-03-02T15:00:00Z"),
        ({"anyOf": [{"type": "number"}, {"type": "string"}]}, "300.00"),
        ({"type": "integer", "minimum": 5, "maximum": 10}, 5),
        ({"type": "array", "items": {"type": "boolean"}}, [False]),
        (
            {"type": "object", "additionalProperties": {"type": "integer"},
             "propertyNames": {"$ref": "#/components/schemas/Status"}},
            {"active": 1},
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string", "minLength": 6}},
             "required": []},
            {"a": "textxx"},
        ),
    ],
)  # fmt: skip
def test_an_example_comes_from_the_schema_first_then_its_type(
    schema: dict[str, Any], example: Any
) -> None:
    assert compose_example(schema, COMPONENTS) == example


def test_a_schema_that_refers_to_itself_stops_at_an_empty_list_or_null() -> None:
    note = compose_example(NOTE, COMPONENTS)
    chain = compose_example(CHAIN, COMPONENTS)
    assert note == {"id": "0193e4a2-7c1d-7b3e-9f4a-2d6c8b1e5a70", "replies": []}
    assert chain == {"next": None}
