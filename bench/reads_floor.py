"""Two reads with no framework at all (`bench/run` serves them beside the service, on
PostgreSQL): a patient's month of appointments and a page of 50 patients, each in a plain ASGI
callable on the service's own driver (psycopg, async, a connection for each request in flight,
up to 8), doing what the service must do for the request and nothing more:
- the month checks that the patient is the organization's and not deleted, then reads the
  month's rows;
- the page reads the first 50 live patients in the list's order, their identifiers and the
  organization's tally of live patients (the page's total);
- each appends the service's audit event to the organization's hash chain with the service's
  own statement, commits, and answers the service's page through the same read model.

There is no key check, rate limit, routing, query validation or middleware. The ratio of each
bounds what any service on this stack reaches for the request while it audits every read in
the same transaction.

    IOP_DATABASE_URL=postgresql+psycopg://… BENCH_ORGANIZATION_ID=… uvicorn reads_floor:app
"""

import asyncio
import os
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs

import psycopg
from sqlalchemy import make_url
from sqlalchemy.dialects import postgresql

from app.audit.trail import (
    _APPEND_ON_POSTGRESQL,
    _CREATE_HEAD,
    Access,
    PendingEvent,
    append_parameters,
)
from app.patients.schemas import Identifier, PatientRead
from app.scheduling.schemas import AppointmentRead
from app.schemas import Page

LIMIT = 50
# Kept: pydantic caches a parametrized model only while something holds it.
APPOINTMENTS, PATIENTS_PAGE = Page[AppointmentRead], Page[PatientRead]
CONNECTIONS = 8
APPOINTMENT_COLUMNS = list(AppointmentRead.model_fields)
PATIENT_COLUMNS = [name for name in PatientRead.model_fields if name != "identifiers"]
PATIENT = "SELECT id FROM patient WHERE organization_id = %s AND id = %s AND deleted_at IS NULL"
MONTH = (
    f"SELECT {', '.join(APPOINTMENT_COLUMNS)} FROM appointment"
    " WHERE organization_id = %s AND patient_id = %s AND local_date >= %s AND local_date <= %s"
    f" ORDER BY starts_at, id LIMIT {LIMIT}"
)
PATIENTS = (
    f"SELECT {', '.join(PATIENT_COLUMNS)} FROM patient"
    " WHERE organization_id = %s AND deleted_at IS NULL"
    f" ORDER BY family_name_folded, given_name_folded, id LIMIT {LIMIT}"
)
IDENTIFIERS = (
    "SELECT patient_id, system, value FROM patient_identifier"
    " WHERE patient_id = ANY(%s) ORDER BY system, value"
)
TALLY = "SELECT live FROM patient_tally WHERE organization_id = %s"
DIALECT = postgresql.psycopg.dialect()  # type: ignore[attr-defined]
APPEND = str(_APPEND_ON_POSTGRESQL.compile(dialect=DIALECT))
CREATE_HEAD = _CREATE_HEAD.compile(dialect=DIALECT)

Connection = psycopg.AsyncConnection[Any]


class ReadsFloor:
    def __init__(self) -> None:
        self.organization_id = uuid.UUID(os.environ["BENCH_ORGANIZATION_ID"])
        url = make_url(os.environ["IOP_DATABASE_URL"]).set(drivername="postgresql")
        self.dsn = url.render_as_string(hide_password=False)
        self.idle: asyncio.Queue[Connection] = asyncio.Queue()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        while (await receive()).get("more_body"):
            pass
        path = scope["path"]
        query = parse_qs(scope["query_string"].decode())
        body: bytes | None = None
        connection = await self.idle.get()
        try:
            async with connection.transaction():
                if path == "/v1/patients":
                    body = await self.page(connection)
                elif path.endswith("/appointments"):
                    body = await self.month(connection, uuid.UUID(path.split("/")[3]), query)
        finally:
            self.idle.put_nowait(connection)
        await answer(send, 404 if body is None else 200, body or b"{}")

    async def lifespan(self, receive: Any, send: Any) -> None:
        await receive()
        for _ in range(CONNECTIONS):
            self.idle.put_nowait(await psycopg.AsyncConnection.connect(self.dsn))
        async with await psycopg.AsyncConnection.connect(self.dsn) as connection:
            head = CREATE_HEAD.params | {"organization_id": self.organization_id}
            await connection.execute(str(CREATE_HEAD), head)
        await send({"type": "lifespan.startup.complete"})
        await receive()
        while not self.idle.empty():
            await self.idle.get_nowait().close()
        await send({"type": "lifespan.shutdown.complete"})

    async def month(
        self, connection: Connection, patient_id: uuid.UUID, query: dict[str, list[str]]
    ) -> bytes | None:
        first, last = date.fromisoformat(query["from"][0]), date.fromisoformat(query["to"][0])
        found = await connection.execute(PATIENT, (self.organization_id, patient_id))
        if await found.fetchone() is None:
            return None
        rows = await connection.execute(MONTH, (self.organization_id, patient_id, first, last))
        items = [
            AppointmentRead.model_validate(dict(zip(APPOINTMENT_COLUMNS, row, strict=True)))
            for row in await rows.fetchall()
        ]
        accesses: list[Access] = [("read", "patient_schedule", str(patient_id), patient_id)]
        accesses += [("list", "appointment", str(item.id), patient_id) for item in items]
        await self.audit(connection, accesses)
        page = APPOINTMENTS(items=items, total=len(items), limit=LIMIT, offset=0)
        return page.model_dump_json().encode()

    async def page(self, connection: Connection) -> bytes:
        rows = await connection.execute(PATIENTS, (self.organization_id,))
        patients = [dict(zip(PATIENT_COLUMNS, row, strict=True)) for row in await rows.fetchall()]
        ids = [patient["id"] for patient in patients]
        identifiers: dict[uuid.UUID, list[Identifier]] = defaultdict(list)
        for patient_id, system, value in await (
            await connection.execute(IDENTIFIERS, (ids,))
        ).fetchall():
            identifiers[patient_id].append(Identifier(system=system, value=value))
        tally = await (await connection.execute(TALLY, (self.organization_id,))).fetchone()
        items = [
            PatientRead.model_validate(patient | {"identifiers": identifiers[patient["id"]]})
            for patient in patients
        ]
        await self.audit(connection, [("list", "patient", str(id_), id_) for id_ in ids])
        total = tally[0] if tally else 0
        return (
            PATIENTS_PAGE(items=items, total=total, limit=LIMIT, offset=0)
            .model_dump_json()
            .encode()
        )

    async def audit(self, connection: Connection, accesses: list[Access]) -> None:
        """The service's event for the request, appended as one link of the chain."""
        event = PendingEvent(
            self.organization_id, None, uuid.uuid4().hex, datetime.now(UTC),
            dict.fromkeys(accesses),
        )  # fmt: skip
        appended = await connection.execute(APPEND, append_parameters(event, uuid.uuid4()))
        if await appended.fetchone() is None:  # no chain head: the lifespan starts it
            raise RuntimeError("the organization's audit chain has no head")


async def answer(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


app = ReadsFloor()
