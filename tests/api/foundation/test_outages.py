"""Outages answer 503 with Retry-After, never 500, and readiness says what is down."""

from pathlib import Path

from app.config import Settings
from app.main import create_app
from tests.factories import client_for


def test_an_unreachable_database_is_503_with_retry_after(settings: Settings) -> None:
    down = settings.model_copy(
        update={"database_url": "postgresql+psycopg://127.0.0.1:1/iop?connect_timeout=2"}
    )
    client = client_for(create_app(down), "iop_any-key-at-all")
    answer = client.get("/v1/patients")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"].endswith("/database-unavailable")
    assert int(answer.headers["retry-after"]) >= 1
    assert client.get("/readyz").status_code == 503


def test_a_database_file_that_cannot_be_opened_is_503(settings: Settings, tmp_path: Path) -> None:
    missing = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path}/no/such/folder/iop.db"}
    )
    answer = client_for(create_app(missing), "iop_any-key-at-all").get("/v1/me")
    assert answer.status_code == 503
    assert answer.json()["type"].endswith("/database-unavailable")


def test_readiness_reports_rate_limits_counted_per_process_when_redis_is_down(
    settings: Settings,
) -> None:
    redis_down = settings.model_copy(update={"rate_limit_storage_url": "redis://127.0.0.1:1/0"})
    answer = client_for(create_app(redis_down), "unused").get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "degraded", "rate_limits": "degraded"}


def test_readiness_is_ready_with_limits_per_process_by_default(settings: Settings) -> None:
    answer = client_for(create_app(settings), "unused").get("/readyz")
    assert answer.json() == {"status": "ready", "rate_limits": "per_process"}
