"""An empty database on each engine, for the migrations to build."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import fresh_postgres_database, reachable_postgres_or_skip


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    with fresh_postgres_database(reachable_postgres_or_skip()) as url:
        yield url
