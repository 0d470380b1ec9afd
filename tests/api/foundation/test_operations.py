"""Health, readiness and metrics."""

import gc
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.factories import Clinic


def test_health_answers_while_the_process_lives(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.commits  # readiness opens a connection of its own
def test_ready_when_the_database_is_migrated(client: TestClient) -> None:
    assert client.get("/readyz").json()["status"] == "ready"


def test_not_ready_while_migrations_are_pending(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/empty.db", key_secret="x" * 20)
    response = TestClient(create_app(settings)).get("/readyz")
    assert response.status_code == 503
    assert response.json()["type"].endswith("/not-ready")


def test_not_ready_when_the_database_is_unreachable() -> None:
    settings = Settings(
        database_url="postgresql://127.0.0.1:1/nowhere", key_secret="x" * 20, log_level="ERROR"
    )
    response = TestClient(create_app(settings)).get("/readyz")
    assert response.status_code == 503


def test_metrics_count_requests_by_route_template_and_status(
    clinic: Clinic, client: TestClient
) -> None:
    clinic.admin.get("/v1/me")
    clinic.admin.delete("/v1/api-keys/00000000-0000-0000-0000-000000000000")
    metrics = client.get("/metrics").text
    assert 'iop_http_requests_total{method="GET",route="/v1/me",status="200"}' in metrics
    assert 'route="/v1/api-keys/{key_id}",status="404"' in metrics
    assert "00000000-0000-0000-0000-000000000000" not in metrics
    assert "iop_http_request_duration_seconds_bucket" in metrics


def test_the_app_is_left_out_of_full_collections_while_it_serves(settings: Settings) -> None:
    # A full collection over the app's own objects held a request for ~100 ms (p99).
    app = create_app(settings)
    before = gc.get_freeze_count()
    with TestClient(app):
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == 0
