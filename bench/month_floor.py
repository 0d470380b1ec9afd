"""A patient's month of appointments with no framework at all (`bench/run` serves it beside
the service, on PostgreSQL): a plain ASGI callable on the service's own driver (psycopg, async,
a connection for each request in flight, up to 8) doing what the service must do for the
request and nothing more. It checks that the patient is the organization's and not deleted,
reads the month's rows, appends the same audit event to the organization's hash chain with the
service's own statement, commits, and answers the same page through the same read model. There
is no key check, rate limit, routing, query validation or middleware. Its ratio bounds what any
service on this stack reaches for the request while it audits every read in the same
transaction.

    IOP_DATABASE_URL=postgresql+psycopg://… BENCH_ORGANIZATION_ID=… uvicorn month_floor:app
"""

import asyncio
import json
import os
import uuid
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs

import psycopg
from sqlalchemy import make_url
from sqlalchemy.dialects import postgresql

from app.audit.chain import canonical_form
from app.audit.trail import _APPEND_ON_POSTGRESQL, _CREATE_HEAD
from app.scheduling.schemas import AppointmentRead
from app.schemas import Page

LIMIT = 50
CONNECTIONS = 8
COLUMNS = list(AppointmentRead.model_fields)
PATIENT = "SELECT id FROM patient WHERE organization_id = %s AND id = %s AND deleted_at IS NULL"
MONTH = (
    f"SELECT {', '.join(COLUMNS)} FROM appointment"
    " WHERE organization_id = %s AND patient_id = %s AND local_date >= %s AND local_date <= %s"
    f" ORDER BY starts_at, id LIMIT {LIMIT}"
)
DIALECT = postgresql.psycopg.dialect()  # type: ignore[attr-defined]
APPEND = str(_APPEND_ON_POSTGRESQL.compile(dialect=DIALECT))
CREATE_HEAD = _CREATE_HEAD.compile(dialect=DIALECT)

Scope = dict[str, Any]


class MonthFloor:
    def __init__(self) -> None:
        self.organization_id = uuid.UUID(os.environ["BENCH_ORGANIZATION_ID"])
        url = make_url(os.environ["IOP_DATABASE_URL"]).set(drivername="postgresql")
        self.dsn = url.render_as_string(hide_password=False)
        self.idle: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await receive()
            for _ in range(CONNECTIONS):
                self.idle.put_nowait(await psycopg.AsyncConnection.connect(self.dsn))
            async with await psycopg.AsyncConnection.connect(self.dsn) as connection:
                head = {"organization_id": self.organization_id} | CREATE_HEAD.params
                await connection.execute(str(CREATE_HEAD), head)
            await send({"type": "lifespan.startup.complete"})
            await receive()
            while not self.idle.empty():
                await self.idle.get_nowait().close()
            await send({"type": "lifespan.shutdown.complete"})
            return
        while (await receive()).get("more_body"):
            pass
        if not scope["path"].endswith("/appointments"):  # `/healthz`, when started
            await answer(send, 404, b"{}")
            return
        patient_id = uuid.UUID(scope["path"].split("/")[3])
        query = parse_qs(scope["query_string"].decode())
        first, last = date.fromisoformat(query["from"][0]), date.fromisoformat(query["to"][0])
        connection = await self.idle.get()
        try:
            async with connection.transaction():
                found = await connection.execute(PATIENT, (self.organization_id, patient_id))
                if await found.fetchone() is None:
                    await answer(send, 404, b"{}")
                    return
                rows = await connection.execute(
                    MONTH, (self.organization_id, patient_id, first, last)
                )
                items = [AppointmentRead.model_validate(dict(zip(COLUMNS, row, strict=True)))
                         for row in await rows.fetchall()]  # fmt: skip
                await self.audit(connection, patient_id, [item.id for item in items])
        finally:
            self.idle.put_nowait(connection)
        page = Page[AppointmentRead](items=items, total=len(items), limit=LIMIT, offset=0)
        await answer(send, 200, page.model_dump_json().encode())

    async def audit(
        self, connection: psycopg.AsyncConnection[Any], patient_id: uuid.UUID, ids: list[uuid.UUID]
    ) -> None:
        """The service's event for the request: the read of the patient's schedule and the
        list of what it showed, one link of the chain."""
        patient = str(patient_id)
        accesses = [
            {"action": "read", "resource_type": "patient_schedule", "resource_id": patient,
             "patient_id": patient},
            *({"action": "list", "resource_type": "appointment", "resource_id": str(id_),
               "patient_id": patient} for id_ in ids),
        ]  # fmt: skip
        event_id, now, request_id = uuid.uuid4(), datetime.now(UTC), uuid.uuid4().hex
        canonical = canonical_form(
            event_id=event_id, organization_id=self.organization_id, occurred_at=now,
            api_key_id=None, request_id=request_id, accesses=accesses,
        )  # fmt: skip
        await connection.execute(
            APPEND,
            {
                "event_id": event_id, "organization_id": self.organization_id,
                "occurred_at": now, "api_key_id": None, "request_id": request_id,
                "accesses": json.dumps(accesses), "patient_ids": [patient_id],
                "canonical": canonical,
            },
        )  # fmt: skip


async def answer(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


app = MonthFloor()
