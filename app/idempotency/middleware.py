"""`Idempotency-Key` on every `/v1` POST that creates or acts, as one ASGI middleware.

A retry with the same key and the same request gets the first answer again, byte for byte,
with `Idempotent-Replayed: true`; the same key with another request is a 422
`idempotency-key-reused`; while the first is still running, a 409 `idempotency-key-in-use` with
`Retry-After`. Keys belong to the API key that sent them and are kept
`idempotency_retention_hours`.

Only answers of a change that committed are kept. An error (4xx, 5xx) means nothing was stored
(every route is all or nothing), so its key is released and the client may send it again. The
key is marked spent inside the change's own transaction (a `before_commit` hook), so a change
and its key commit together; a server that dies mid-request leaves a `running` key whose lock
ends after `idempotency_lock_seconds`, when a retry takes it over. A route that only reads
(an eligibility decision computed from its body) opts out with `openapi_extra=READ_ONLY`.
"""

import hashlib
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import anyio.to_thread
import structlog
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import (
    Busy,
    DatabaseUnavailable,
    DomainError,
    Unprocessable,
    is_retryable,
    problem_response,
)
from app.idempotency import store
from app.idempotency.store import KeyTerms, Reservation, StoredAnswer
from app.middleware import header, raising, replaying
from app.openapi import problem_example

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
# The mark of a POST that changes nothing, so a retry needs no key.
READ_ONLY: dict[str, Any] = {"x-read-only": True}
_KEY_SYNTAX = re.compile(r"^[\x21-\x7e]{1,255}$")
_PREFIX = "/v1/"

log = structlog.get_logger(__name__)


@dataclass
class _Attempt:
    """The key the current request holds, for the commit hook in its worker thread."""

    reservation: Reservation
    key_id: uuid.UUID
    request_id: str | None
    committed: bool = False
    lost: bool = False


_attempt: ContextVar[_Attempt | None] = ContextVar("idempotency_attempt", default=None)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, fastapi_app: FastAPI) -> None:
        self.app, self.fastapi_app = app, fastapi_app
        self._read_only: list[tuple[re.Pattern[str], set[str]]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = header(scope, b"idempotency-key")
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or key is None
            or not scope["path"].startswith(_PREFIX)
            or self._is_read_only(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        if not _KEY_SYNTAX.match(key):
            error = Unprocessable(f"{HEADER} must be 1 to 255 visible ASCII characters.")
            await _answer_problem(scope, receive, send, error)
            return
        try:
            body = await _read_body(receive)
        except HTTPException as too_large:  # the route answers the 413 problem itself
            await self.app(scope, raising(too_large), send)
            return
        replay = replaying(body, receive)
        try:
            key_id = await self._key_id(scope)
        except (DBAPIError, SQLAlchemyTimeoutError) as error:
            await _answer_problem(scope, replay, send, _database_problem(error))
            return
        if key_id is None:  # no valid API key: the route answers 401 and keeps nothing
            await self.app(scope, replay, send)
            return
        state = self.fastapi_app.state
        settings = state.settings
        terms = KeyTerms(
            retention=timedelta(hours=settings.idempotency_retention_hours),
            lock=timedelta(seconds=settings.idempotency_lock_seconds),
        )
        sent = fingerprint(scope["method"], scope["path"], scope.get("query_string", b""), body)
        try:
            held = await anyio.to_thread.run_sync(
                store.reserve, state.sessionmaker, key_id, key, sent, state.clock(), terms
            )
        except (DBAPIError, SQLAlchemyTimeoutError) as error:
            await _answer_problem(scope, replay, send, _database_problem(error))
            return
        except DomainError as error:
            await _answer_problem(scope, replay, send, error)
            return
        request_id = scope.get("state", {}).get("request_id")
        if isinstance(held, StoredAnswer):
            try:
                await anyio.to_thread.run_sync(
                    store.audit_replay, state.sessionmaker, key_id, request_id, state.clock(), held
                )
            except (DBAPIError, SQLAlchemyTimeoutError) as error:
                await _answer_problem(scope, replay, send, _database_problem(error))
                return
            await _send_stored(send, held)
            return
        await self._carry_out(scope, replay, send, _Attempt(held, key_id, request_id))

    async def _carry_out(
        self, scope: Scope, receive: Receive, send: Send, attempt: _Attempt
    ) -> None:
        status, headers, chunks = 500, [], []

        async def recording_send(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in message.get("headers", [])
                ]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        token = _attempt.set(attempt)
        try:
            await self.app(scope, receive, recording_send)
        finally:
            _attempt.reset(token)
            await self._settle(attempt, status, headers, b"".join(chunks))

    async def _settle(
        self, attempt: _Attempt, status: int, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        """Keep the answer of a change; release the key of a request that changed nothing."""
        sessions = self.fastapi_app.state.sessionmaker
        reservation = attempt.reservation
        if attempt.lost:
            return  # a retry took the key over; it answers for it
        try:
            if attempt.committed or status < 400:
                answer = StoredAnswer(status, headers, body)
                await anyio.to_thread.run_sync(store.keep_answer, sessions, reservation, answer)
            else:
                await anyio.to_thread.run_sync(store.release, sessions, reservation)
        except (DBAPIError, SQLAlchemyTimeoutError) as error:
            # The answer is already sent. A released key stays held until its lock runs out;
            # a committed one whose answer was not kept tells a retry so (409).
            log.warning("idempotency_key_not_settled", error_type=type(error).__name__)

    async def _key_id(self, scope: Scope) -> uuid.UUID | None:
        authorization = header(scope, b"authorization")
        if authorization is None or not authorization.lower().startswith("bearer "):
            return None
        state = self.fastapi_app.state
        secret = state.settings.key_secret.get_secret_value()
        bearer = authorization[len("bearer ") :].strip()

        def look_up() -> uuid.UUID | None:
            with state.sessionmaker() as session:
                return store.api_key_id(session, bearer, secret)

        return await anyio.to_thread.run_sync(look_up)

    def _is_read_only(self, path: str) -> bool:
        if self._read_only is None:
            self._read_only = read_only_routes(self.fastapi_app)
        return any(
            pattern.match(path) and "POST" in methods for pattern, methods in self._read_only
        )


def read_only_routes(app: FastAPI) -> list[tuple[re.Pattern[str], set[str]]]:
    """The POSTs marked `READ_ONLY`, by their full path (routers nest, so `app.routes` alone
    does not list them)."""
    return [
        (compile_path(context.path or "")[0], set(context.methods or ()))
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and (context.original_route.openapi_extra or {}).get("x-read-only")
    ]


@event.listens_for(Session, "before_commit")
def _spend_key_with_the_change(session: Session) -> None:
    """The request's change and its spent key commit together, or neither does. An attempt
    whose lock a retry took over may not commit: the retry carries the change out instead."""
    attempt = _attempt.get()
    if attempt is None or attempt.committed:
        return
    if not store.mark_committed(session, attempt.reservation, attempt.key_id, attempt.request_id):
        attempt.lost = True
        raise store.IdempotencyKeyInUse(
            "This request took longer than its Idempotency-Key is held, and a retry took the "
            "key over; its answer is the one that counts.",
            retry_after=1,
        )
    attempt.committed = True


def _database_problem(error: DBAPIError | SQLAlchemyTimeoutError) -> DomainError:
    if isinstance(error, DBAPIError) and is_retryable(error):
        return Busy("Another request changed the same records; retry shortly.", retry_after=1)
    return DatabaseUnavailable("The database is unavailable; retry shortly.", retry_after=5)


async def _read_body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    """What a retry must repeat exactly: the method, path, query string and body."""
    digest = hashlib.sha256()
    digest.update(f"{method} {path}?".encode())
    digest.update(query)
    digest.update(b"\n")
    digest.update(body)
    return digest.hexdigest()


async def _send_stored(send: Send, answer: StoredAnswer) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers]
    headers.append((REPLAYED.lower().encode(), b"true"))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


async def _answer_problem(scope: Scope, receive: Receive, send: Send, error: DomainError) -> None:
    response = problem_response(Request(scope, receive), error)
    await response(scope, receive, send)


def document_idempotency(schema: dict[str, Any]) -> None:
    """Every `/v1` POST that is not read-only takes the header, and says what it answers."""
    parameter = {
        "name": HEADER,
        "in": "header",
        "required": False,
        "description": (
            "A unique value per intended change (a UUID): a retry with the same key and the "
            f"same body gets the first answer again, with `{REPLAYED}: true`, instead of a "
            "second change. Kept 24 hours per API key (a setting). Another body with the same "
            "key is a 422; while the first request runs, a 409 with Retry-After. Errors are "
            "not kept: the key may be sent again."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"^[!-~]+$"},
        "example": "6f1c2f64-5d3e-4a8b-9c41-2b7e0f3a9d15",
    }
    refusals = {
        "422": ("idempotency-key-reused", store.IdempotencyKeyReused.title, 422),
        "409": ("idempotency-key-in-use", store.IdempotencyKeyInUse.title, 409),
    }
    for path, operations in schema.get("paths", {}).items():
        operation = operations.get("post")
        if not path.startswith(_PREFIX) or operation is None or operation.get("x-read-only"):
            continue
        parameters = operation.setdefault("parameters", [])
        if any(p["name"] == HEADER for p in parameters):
            continue
        parameters.append(parameter)
        for status, (slug, title, code) in refusals.items():
            response = operation["responses"].setdefault(
                status,
                {
                    "description": title,
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"},
                            "examples": {},
                        }
                    },
                },
            )
            content = response.setdefault("content", {}).setdefault(
                "application/problem+json", {"schema": {"$ref": "#/components/schemas/Problem"}}
            )
            content.setdefault("examples", {})[slug] = {
                "value": problem_example(code, slug, title, f"{title}.")
            }


def install_idempotency(app: FastAPI) -> None:
    """The middleware (innermost, inside the body size limit) and its OpenAPI description."""
    app.add_middleware(IdempotencyMiddleware, fastapi_app=app)
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        document_idempotency(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
