"""The front door: the one ASGI layer every request passes before routing.

It gives each request an id, writes its access log line and metrics, adds the security headers
every answer carries, bounds and screens the body (no NUL character, as PostgreSQL text cannot
store it) and the query, and admits at most so many requests at once. One layer, not five:
each layer of ASGI middleware costs every request a few nested calls and closures."""

import asyncio
import json
import re
import time
import uuid
import weakref
from typing import NamedTuple
from urllib.parse import parse_qsl

import anyio
import anyio.to_thread
import structlog
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import Unprocessable, field_errors, problem_response
from app.ops.metrics import record_request
from app.schemas import Location, nul_character_errors, nul_locations

log = structlog.get_logger("iop.access")

_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

# A JSON API is never a page: it loads nothing, is framed by no one and sends no referrer.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI and ReDoc are pages: their scripts and styles come from this service only (they
# are served from /docs/assets), and each page starts itself with an inline script.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
# Where NUL is refused with a problem document; FHIR answers OperationOutcomes of its own.
SCREENED_PREFIX = "/v1/"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Liveness, readiness and metrics answer even while every place is taken (`Admission`).
PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# Threads kept free beyond the admitted requests: for answers, commits and background work.
THREADS_SPARE = 8
# Bodies read at once, before their requests are admitted: the memory they take stays within
# this many times the body limit however many clients send at once (`FrontDoor._places`).
BODIES_AT_ONCE = 32


class _Places(NamedTuple):
    intake: anyio.Semaphore  # bodies being read
    admission: anyio.Semaphore  # requests being worked on


class Admission:
    """A request's place among those the process works on at once: taken once its body is in,
    given back when its answer starts (or it fails), so that a client that sends or reads
    slowly holds none. Probes take none (`semaphore` None): they answer while others queue."""

    def __init__(self, semaphore: anyio.Semaphore | None) -> None:
        self._semaphore = semaphore
        self._held = False

    async def enter(self) -> None:
        if self._semaphore is not None:
            await self._semaphore.acquire()
            self._held = True

    def leave(self) -> None:
        if self._held:
            self._held = False
            assert self._semaphore is not None
            self._semaphore.release()


class FrontDoor:
    """Request ids and access logs, security headers, the body size limit, the NUL screen and
    the concurrency limit (see the module's docstring), in that order.

    - The id is the client's `X-Request-ID` when well-formed, else a new one; it is echoed.
      The log line and metrics name the route template, never the concrete path: paths and
      query strings can carry identifiers or names.
    - Headers: no MIME sniffing, no framing, no referrer, a strict content policy, no caching
      of what may be patient data, and HSTS when configured.
    - Concurrency: sync routes and their commits run in the thread pool. If every pool thread
      were taken by requests waiting for a row lock (a rush on a group's last seats), the
      request holding the lock could not get the thread it needs to commit, and everything
      would stall until the connection pool timed out. Admitting fewer requests than the
      pool has threads leaves that thread free, for every route that locks rows. A request
      holds its place (`Admission`) from when its body is in until its answer starts: the
      limit bounds the work in the process, and a client slow to send or to read holds none.
      On SQLite the default is one at a time (`Settings.admitted_at_once`).
    - Bodies above the limit are refused whether announced by Content-Length or streamed: the
      413 is raised from `receive`, as an `HTTPException` FastAPI answers as a problem
      document. A body is read whole (within the limit), a body of `/v1` screened for NUL, and
      handed on unchanged. At most `BODIES_AT_ONCE` bodies are read at once, which bounds the
      memory they take now that reading one holds no place."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        batch_max_bytes: int,
        concurrency: int,
        hsts_seconds: int,
    ) -> None:
        self.app, self.max_bytes, self.batch_max_bytes = app, max_bytes, batch_max_bytes
        self.concurrency = concurrency
        fixed = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            # Answers may hold patient data: no browser or proxy keeps a copy.
            (b"cache-control", b"no-store"),
        ]
        if hsts_seconds > 0:
            hsts = f"max-age={hsts_seconds}; includeSubDomains".encode()
            fixed.append((b"strict-transport-security", hsts))
        self._api_headers = [*fixed, (b"content-security-policy", API_CSP.encode())]
        self._docs_headers = [*fixed, (b"content-security-policy", DOCS_CSP.encode())]
        # Places per event loop: a server process has one loop, but a test client may run each
        # request on a loop of its own, and a semaphore belongs to its loop.
        self._places_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Places]
        self._places_by_loop = weakref.WeakKeyDictionary()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started, status = time.perf_counter(), 500
        added = self._docs_headers if scope["path"].startswith(DOCS_PATHS) else self._api_headers
        added = [*added, (b"x-request-id", request_id.encode())]
        places = self._places()
        admission = Admission(None if scope["path"] in PROBE_PATHS else places.admission)

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                admission.leave()  # the answer is ready: sending it is the network's work
                status = message["status"]
                headers = message.setdefault("headers", [])
                present = {name.lower() for name, _ in headers}
                headers.extend(pair for pair in added if pair[0] not in present)
            await send(message)

        try:
            await self._screen_then_admit(
                scope, receive, send_with_headers, places.intake, admission
            )
        finally:
            admission.leave()
            seconds = time.perf_counter() - started
            route = route_template(scope, status)
            record_request(scope["method"], route, status, seconds)
            log.info(
                "request",
                method=scope["method"],
                route=route,
                status=status,
                duration_ms=round(seconds * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars("request_id")

    async def _screen_then_admit(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        intake: anyio.Semaphore,
        admission: Admission,
    ) -> None:
        # A batch (`…/batch`: 10,000 attendance records from an EHR) is larger by design.
        limit = self.batch_max_bytes if scope["path"].endswith("/batch") else self.max_bytes
        too_large = HTTPException(413, f"Request bodies are limited to {limit} bytes.")
        announced = header(scope, b"content-length")
        if announced is not None and announced.isdigit() and int(announced) > limit:
            receive = raising(too_large)
        elif scope["method"] in _BODY_METHODS:
            # Read before the request is admitted, so that a slow upload holds no place.
            async with intake:
                body = await _read_body(receive, limit)
            if body is None:
                receive = raising(too_large)
            else:
                if scope["path"].startswith(SCREENED_PREFIX):
                    errors = _nul_in_query(scope) + _nul_in_body(scope, body)
                    if errors:
                        await _refuse(scope, receive, send, errors)
                        return
                receive = replaying(body, receive)
        else:
            errors = _nul_in_query(scope) if scope["path"].startswith(SCREENED_PREFIX) else []
            if errors:
                await _refuse(scope, receive, send, errors)
                return
            receive = _counting(receive, limit, too_large)
        await admission.enter()
        await self.app(scope, receive, send)

    def _places(self) -> _Places:
        loop = asyncio.get_running_loop()
        if loop not in self._places_by_loop:
            places = _Places(anyio.Semaphore(BODIES_AT_ONCE), anyio.Semaphore(self.concurrency))
            self._places_by_loop[loop] = places
            # The pool must stay larger than the admitted requests, whatever its default.
            threads = anyio.to_thread.current_default_thread_limiter()
            threads.total_tokens = max(threads.total_tokens, self.concurrency + THREADS_SPARE)
        return self._places_by_loop[loop]


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            decoded: str = value.decode("latin-1")
            return decoded
    return None


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None once it passes `limit` (the rest is left unread)."""
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away; the route sees an empty body and its own error
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """`receive` for a body already read: the body, then what the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # waits for the disconnect, as the server's own would
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def raising(error: HTTPException) -> Receive:
    """`receive` that refuses the body: FastAPI answers `error` when the route reads it."""

    async def receive() -> Message:
        raise error

    return receive


def _counting(receive: Receive, limit: int, too_large: HTTPException) -> Receive:
    received = 0

    async def counting_receive() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise too_large
        return message

    return counting_receive


def _nul_in_query(scope: Scope) -> list[Location]:
    query: bytes = scope.get("query_string", b"")
    if b"%00" not in query:  # the one way NUL can arrive in a query
        return []
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    return [("query", name) for name, value in pairs if "\x00" in name or "\x00" in value]


def _nul_in_body(scope: Scope, body: bytes) -> list[Location]:
    """NUL in a JSON body is the escape `\\u0000` (a raw NUL is invalid JSON, which the route
    answers itself); any other body may not hold a NUL byte at all. Only a body that holds the
    escape is decoded here, so the cost falls on the rare request that carries it."""
    media_type = (header(scope, b"content-type") or "").split(";")[0].strip().lower()
    if not media_type.endswith("json"):
        return [("body",)] if b"\x00" in body else []
    if b"\\u0000" not in body:
        return []
    try:
        document = json.loads(body)
    except ValueError:
        return []  # the route answers malformed JSON
    return [("body", *at) for at in nul_locations(document)]


async def _refuse(scope: Scope, receive: Receive, send: Send, at: list[Location]) -> None:
    errors = field_errors(nul_character_errors(at))
    problem = Unprocessable("Some fields are missing or invalid.", errors=errors)
    await problem_response(Request(scope), problem)(scope, receive, send)


def route_template(scope: Scope, status: int) -> str:
    """`/v1/patients/{patient_id}` for `/v1/patients/8d2e…`: a bounded label with no ids.

    Built from the matched path parameters, which holds however routers are nested. Paths no
    route matched are one label, so probes for random URLs cannot grow the metrics."""
    if "route" not in scope:
        # The documentation pages are served without a route object; their paths hold no ids.
        return scope["path"] if status < 400 and scope["path"] in _FIXED_PATHS else "unmatched"
    path: str = scope["path"]
    for name, value in scope.get("path_params", {}).items():
        path = path.replace(f"/{value}", f"/{{{name}}}", 1)
    return path


_FIXED_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate: str = value.decode("latin-1")
            if _CLIENT_REQUEST_ID.fullmatch(candidate):  # safe in a log line
                return candidate
    return uuid.uuid4().hex
