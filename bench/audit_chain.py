"""What the audit trail's hash chain costs one organization's audited writes on PostgreSQL.

Every request that reads or changes patient data appends one event to its organization's hash
chain, in its own transaction (`app.audit.trail`). The append updates the chain's head, whose
row stays locked until the commit: an organization's audited transactions commit one after
another, however many API processes serve it. This measures what that costs, on a new database
built by the migrations (created on `--server`, dropped at the end), with clients on the
service's driver (psycopg, async) and nothing else around them:

- **chained**: the service's own append statement, then the commit;
- **unchained**: the same event and patient rows numbered by a sequence, with no head to
  update (what a request would pay if the chain were linked after the commit).

Each event names 23 accesses of one patient, as a month of appointments does. Both run at 1
and at 8 connections, interleaved round after round, and the report gives each one's commits
per second and the chained ÷ unchained ratio of each round's pair (the median): at 1
connection it is the statement's own cost, at 8 the queue on the head.

    .venv/bin/python bench/audit_chain.py [--quick] [--server postgresql://127.0.0.1:5432/postgres]

`--quick` runs a fraction of a second per case (a test runs it so the bench cannot rot); its
figures are noise, not results.
"""

import argparse
import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg
from attendance import bench_database
from sqlalchemy import create_engine, make_url
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from app.access.service import create_organization
from app.audit.trail import (
    _APPEND_ON_POSTGRESQL,
    _CREATE_HEAD,
    Access,
    PendingEvent,
    append_parameters,
)
from app.migrations import upgrade_to_head

CONNECTIONS = (1, 8)
DIALECT = postgresql.psycopg.dialect()  # type: ignore[attr-defined]
CHAINED = str(_APPEND_ON_POSTGRESQL.compile(dialect=DIALECT))
# Far above any number the chain reaches here: the two kinds share `(organization, sequence)`.
NUMBERS = "CREATE SEQUENCE bench_event_number START 1000000000"
UNCHAINED = """
WITH appended AS (
    INSERT INTO audit_event
        (id, organization_id, sequence, occurred_at, api_key_id, request_id, accesses, hash)
    VALUES (%(event_id)s, %(organization_id)s, nextval('bench_event_number'), %(occurred_at)s,
        %(api_key_id)s, %(request_id)s, CAST(%(accesses)s AS jsonb), repeat('0', 64))
    RETURNING id
)
INSERT INTO audit_event_patient (patient_id, event_id)
SELECT patient.id, appended.id
FROM appended, unnest(CAST(%(patient_ids)s AS uuid[])) AS patient (id)
"""
STATEMENTS = {"chained": CHAINED, "unchained": UNCHAINED}

Connection = psycopg.AsyncConnection[Any]


def event_parameters(organization_id: uuid.UUID, patient_id: uuid.UUID) -> dict[str, Any]:
    """An event of a month of one patient's appointments, as the service would write it."""
    accesses: list[Access] = [("read", "patient_schedule", str(patient_id), patient_id)]
    accesses += [("list", "appointment", str(uuid.uuid4()), patient_id) for _ in range(22)]
    event = PendingEvent(
        organization_id, None, uuid.uuid4().hex, datetime.now(UTC), dict.fromkeys(accesses)
    )
    return append_parameters(event, uuid.uuid4())


async def commits_per_second(
    connections: list[Connection], statement: str, organization_id: uuid.UUID, seconds: float
) -> float:
    """Each connection commits one event after another for `seconds`. The event is made once
    and each commit gives it a new id: the clients' own work stays out of the figures."""
    event = event_parameters(organization_id, uuid.uuid4())
    committed = 0
    deadline = time.perf_counter() + seconds

    async def client(connection: Connection) -> None:
        nonlocal committed
        while time.perf_counter() < deadline:
            async with connection.transaction():
                await connection.execute(statement, event | {"event_id": uuid.uuid4()})
            committed += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(connection) for connection in connections))
    return committed / (time.perf_counter() - started)


async def measure(
    dsn: str, organization_id: uuid.UUID, seconds: float, rounds: int
) -> dict[int, dict[str, list[float]]]:
    """Commits per second of each kind at each connection count, a figure per round."""
    measured: dict[int, dict[str, list[float]]] = {}
    for count in CONNECTIONS:
        connections = [await psycopg.AsyncConnection.connect(dsn) for _ in range(count)]
        try:
            for _ in range(rounds):
                for kind, statement in STATEMENTS.items():
                    rate = await commits_per_second(
                        connections, statement, organization_id, seconds
                    )
                    measured.setdefault(count, {}).setdefault(kind, []).append(rate)
        finally:
            for connection in connections:
                await connection.close()
    return measured


def prepare(url: str) -> uuid.UUID:
    """The migrated database's one organization, its chain started, and the numbers."""
    upgrade_to_head(url)
    engine = create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            organization_id = create_organization(session, "Bench").id
            session.execute(_CREATE_HEAD, {"organization_id": organization_id})
            session.connection().exec_driver_sql(NUMBERS)
    finally:
        engine.dispose()
    return organization_id


def report(measured: dict[int, dict[str, list[float]]], seconds: float, rounds: int) -> str:
    lines = [
        f"Rounds: {rounds}, interleaved, of {seconds:g} s per case; medians over rounds.",
        "",
        "| connections | chained commits/s | unchained commits/s | chained ÷ unchained |",
        "|---:|---:|---:|---:|",
    ]
    for count, kinds in measured.items():
        chained, unchained = kinds["chained"], kinds["unchained"]
        ratio = statistics.median(c / u for c, u in zip(chained, unchained, strict=True))
        lines.append(
            f"| {count} | {statistics.median(chained):,.0f} "
            f"| {statistics.median(unchained):,.0f} | {ratio:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fraction of a second per case")
    parser.add_argument("--seconds", type=float, default=4.0, help="per case and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--server",
        default="postgresql://127.0.0.1:5432/postgres",
        help="a PostgreSQL server the bench may create (and drop) a database on",
    )
    options = parser.parse_args()
    seconds, rounds = (0.3, 1) if options.quick else (options.seconds, options.rounds)
    with bench_database(options.server) as url:
        organization_id = prepare(url)
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        measured = asyncio.run(measure(dsn, organization_id, seconds, rounds))
    print(report(measured, seconds, rounds))


if __name__ == "__main__":
    main()
