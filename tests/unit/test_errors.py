"""Pure parts of error rendering: field names and which database errors a retry resolves."""

import sqlite3

import pytest
from sqlalchemy.exc import DBAPIError, OperationalError

from app.errors import field_name, is_retryable


@pytest.mark.parametrize(
    ("loc", "name"),
    [
        (("body", "sessions", 2, "weekday"), "sessions[2].weekday"),
        (("body", "name"), "name"),
        (("body",), "body"),
        (("query", "limit"), "query.limit"),
        (("header", "if-match"), "header.if-match"),
    ],
)
def test_field_names_read_like_the_json_they_point_into(
    loc: tuple[str | int, ...], name: str
) -> None:
    assert field_name(loc) == name


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("orig", "retryable"),
    [
        (_PgError("40P01"), True),  # deadlock detected
        (_PgError("40001"), True),  # serialization failure
        (_PgError("55P03"), True),  # lock not available
        (_PgError("23505"), False),  # unique violation: retrying changes nothing
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("no such table: patient"), False),
    ],
)
def test_only_conflicts_between_transactions_are_worth_a_retry(
    orig: Exception, retryable: bool
) -> None:
    assert is_retryable(OperationalError("SELECT 1", {}, orig)) is retryable
    assert isinstance(OperationalError("SELECT 1", {}, orig), DBAPIError)
