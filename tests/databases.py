"""Test databases: SQLite by default, PostgreSQL with `IOP_TEST_DATABASE=postgres` (the server
is `IOP_TEST_POSTGRES_URL`, 127.0.0.1:5432 by default).

Each test session builds its databases with the real migrations. On PostgreSQL they are fresh
databases created on that server and dropped at the end, so runs never share state.
"""

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

DEFAULT_POSTGRES_URL = "postgresql+psycopg://127.0.0.1:5432/test"


def postgres_required() -> bool:
    """In CI a test that needs PostgreSQL fails when it is unreachable; locally it skips."""
    return os.environ.get("IOP_TEST_REQUIRE_POSTGRES") == "1" or os.environ.get("CI") == "true"


def server_url() -> str:
    url = os.environ.get("IOP_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def reachable_postgres_or_skip() -> str:
    url = server_url()
    try:
        with create_engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        if postgres_required():
            pytest.fail(f"PostgreSQL is required here but unreachable at {url}: {error}")
        pytest.skip(f"PostgreSQL unreachable at {url}")
    return url


def create_postgres_database(server: str, options: str = "") -> str:
    """The URL of a new, empty database on `server`, made with `CREATE DATABASE`'s `options`."""
    name = f"iop_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" {options}'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str, server: str | None = None) -> None:
    name = make_url(url).database
    admin = create_engine(server or server_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def fresh_postgres_database(server: str, options: str = "") -> Iterator[str]:
    """A new, empty database on `server`, dropped afterwards."""
    url = create_postgres_database(server, options)
    try:
        yield url
    finally:
        drop_postgres_database(url, server)


if __name__ == "__main__":
    # `python -m tests.databases create` prints the URL of a new database on the test server;
    # `python -m tests.databases drop URL` drops it (scripts/fuzz and scripts/client-check).
    if sys.argv[1:2] == ["create"]:
        print(create_postgres_database(server_url()))
    elif sys.argv[1:2] == ["drop"] and len(sys.argv) == 3:
        drop_postgres_database(sys.argv[2])
    else:
        sys.exit("usage: python -m tests.databases create | drop URL")
