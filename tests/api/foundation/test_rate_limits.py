"""Per-key rate limits, shared through Redis when the service runs as several processes."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from app.security import Role
from tests.conftest import FixedClock
from tests.databases import postgres_required
from tests.factories import client_for, make_clinic, make_key


def limited_app(settings: Settings, storage: str) -> FastAPI:
    return create_app(
        settings.model_copy(update={"rate_limit": "3/minute", "rate_limit_storage_url": storage})
    )


def test_a_key_over_its_limit_gets_429_with_retry_after(settings: Settings) -> None:
    app = limited_app(settings, "memory://")
    clinic = make_clinic(app)
    answers = [clinic.staff.get("/v1/me") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["type"].endswith("/rate-limited")
    assert int(answers[-1].headers["retry-after"]) >= 1
    assert clinic.clinician.get("/v1/me").status_code == 200, "limits are per key"


def test_processes_sharing_redis_share_one_limit(settings: Settings) -> None:
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        if postgres_required():
            pytest.fail("Redis is required in CI but unreachable")
        pytest.skip("Redis unreachable")
    first, second = limited_app(settings, url), limited_app(settings, url)
    with first.state.sessionmaker.begin() as session:
        from app.access import service

        organization_id = service.create_organization(session, f"clinic {uuid.uuid4()}").id
    key = make_key(first, organization_id, Role.staff)
    statuses = [
        client_for(app, key).get("/v1/me").status_code for app in (first, second, first, second)
    ]
    assert statuses == [200, 200, 200, 429]


def test_a_limit_follows_the_request_clock(settings: Settings) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 15, 0, 30, tzinfo=UTC))
    app = create_app(settings.model_copy(update={"rate_limit": "2/minute"}), clock=clock)
    clinic = make_clinic(app)
    statuses = [clinic.staff.get("/v1/me").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert clinic.staff.get("/v1/me").headers["retry-after"] == "30"  # the minute turns at :00
    clock.now += timedelta(seconds=30)
    assert clinic.staff.get("/v1/me").status_code == 200


def test_an_unreachable_redis_degrades_to_limits_per_process(settings: Settings) -> None:
    app = limited_app(settings, "redis://127.0.0.1:1/0")  # nothing listens there
    clinic = make_clinic(app)
    answers = [clinic.staff.get("/v1/me").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
