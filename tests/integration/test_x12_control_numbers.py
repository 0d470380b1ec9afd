"""The first X12 interchange control numbers of an organization, asked for at the same moment.

Two (or more) first 270 inquiries used to both insert the organization's counter row: one of
them failed on the unique constraint and the partner got a 500. Each thread here is a request
of its own (its own session and transaction), all released at once; each holds its
transaction open a moment after taking its number, as a request building a 270 does.
"""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.access import service as access_service
from app.config import Settings
from app.context import Context
from app.db import create_db_engine, create_sessionmaker
from app.security import Principal, Role
from app.verifications.service import next_control_number
from tests.conftest import uses_postgres

INQUIRIES = 6
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def take_numbers_at_once(sessions: sessionmaker[Session], organization_id: uuid.UUID) -> list[int]:
    principal = Principal(uuid.uuid4(), organization_id, Role.payer, "60054")
    start = threading.Barrier(INQUIRIES)

    def inquiry(index: int) -> int:
        start.wait()
        with sessions.begin() as session:
            ctx = Context(session=session, principal=principal, request_id=f"req-{index}", now=NOW)
            number = next_control_number(ctx)
            time.sleep(0.05)  # the rest of the request, with the counter's row held
            return number

    with ThreadPoolExecutor(INQUIRIES) as pool:
        return sorted(pool.map(inquiry, range(INQUIRIES)))


def assert_first_numbers_are_unique_and_without_gaps(settings: Settings) -> None:
    engine = create_db_engine(settings.model_copy(update={"db_pool_size": INQUIRIES}))
    sessions = create_sessionmaker(engine)
    try:
        with sessions.begin() as session:
            organization_id = access_service.create_organization(session, "Riverbend").id
        assert take_numbers_at_once(sessions, organization_id) == list(range(1, INQUIRIES + 1))
        assert take_numbers_at_once(sessions, organization_id) == list(
            range(INQUIRIES + 1, 2 * INQUIRIES + 1)
        )
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not uses_postgres(), reason="the PostgreSQL suite runs it")
def test_simultaneous_first_270s_get_distinct_control_numbers_on_postgres(
    settings: Settings,
) -> None:
    assert_first_numbers_are_unique_and_without_gaps(settings)


@pytest.mark.skipif(uses_postgres(), reason="the SQLite suite runs it")
def test_simultaneous_first_270s_get_distinct_control_numbers_on_sqlite(
    settings: Settings,
) -> None:
    assert_first_numbers_are_unique_and_without_gaps(settings)
