"""The command line under test: `iop` on a database of the test's own."""

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from app.config import get_settings


@pytest.fixture
def runner(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("IOP_DATABASE_URL", database_url)
    monkeypatch.setenv("IOP_KEY_SECRET", "cli-test-secret-0123456789")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
