"""ASGI middleware: request ids, access logs and metrics; the request body size limit."""

import asyncio
import re
import time
import uuid
import weakref

import anyio
import anyio.to_thread
import structlog
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.ops.metrics import record_request

log = structlog.get_logger("iop.access")

_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestContextMiddleware:
    """Gives every request an id (the client's `X-Request-ID` when well-formed), echoes it,
    and writes one access log line naming the route template, never the concrete path:
    paths and query strings can carry identifiers or names."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
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


class SecurityHeadersMiddleware:
    """Headers every answer carries: no MIME sniffing, no framing, no referrer, a strict
    content policy, no caching of what may be patient data, and HSTS when configured."""

    def __init__(self, app: ASGIApp, hsts_seconds: int) -> None:
        self.app = app
        self.hsts = (
            f"max-age={hsts_seconds}; includeSubDomains".encode() if hsts_seconds > 0 else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_docs = scope["path"].startswith(DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                present = {name.lower() for name, _ in headers}
                added = {
                    b"x-content-type-options": b"nosniff",
                    b"x-frame-options": b"DENY",
                    b"referrer-policy": b"no-referrer",
                    b"content-security-policy": (DOCS_CSP if is_docs else API_CSP).encode(),
                    # Answers may hold patient data: no browser or proxy keeps a copy.
                    b"cache-control": b"no-store",
                }
                if self.hsts is not None:
                    added[b"strict-transport-security"] = self.hsts
                headers.extend((k, v) for k, v in added.items() if k not in present)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimitMiddleware:
    """Refuses bodies above the limit, whether announced by Content-Length or streamed.

    It raises from `receive`, as an `HTTPException` that FastAPI passes through untouched,
    so the answer is the same 413 problem document however the body arrived."""

    def __init__(self, app: ASGIApp, max_bytes: int, batch_max_bytes: int) -> None:
        self.app, self.max_bytes, self.batch_max_bytes = app, max_bytes, batch_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # A batch (`…/batch`: 10,000 attendance records from an EHR) is larger by design.
        limit = self.batch_max_bytes if scope["path"].endswith("/batch") else self.max_bytes
        detail = f"Request bodies are limited to {limit} bytes."
        announced = dict(scope.get("headers", [])).get(b"content-length")
        if announced is not None and announced.isdigit() and int(announced) > limit:
            scope.setdefault("state", {})["body_too_large"] = detail
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            if "body_too_large" in scope.get("state", {}):
                raise HTTPException(413, detail)
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(413, detail)
            return message

        await self.app(scope, counting_receive, send)


class ConcurrencyLimitMiddleware:
    """Admits at most `limit` requests at once per process; the rest wait on the event loop.

    Sync routes and their session dependency run in the thread pool. If every pool thread were
    taken by requests waiting for a database row lock (a rush on a group's last seats), the
    request holding the lock could not get the thread it needs to send its answer and commit,
    and everything would stall until the connection pool timed out. Keeping admitted requests
    below the pool's size leaves that thread free, for every route that locks rows."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit
        # One semaphore per event loop: a server process has one loop, but a test client may
        # run each request on a loop of its own, and a semaphore belongs to its loop.
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.Semaphore]
        self._semaphores = weakref.WeakKeyDictionary()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self._semaphore():
            await self.app(scope, receive, send)

    def _semaphore(self) -> anyio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop not in self._semaphores:
            self._semaphores[loop] = anyio.Semaphore(self.limit)
            # The pool must stay larger than the admitted requests, whatever its default.
            threads = anyio.to_thread.current_default_thread_limiter()
            threads.total_tokens = max(threads.total_tokens, self.limit + THREADS_SPARE)
        return self._semaphores[loop]


# Threads kept free beyond the admitted requests: for answers, commits and background work.
THREADS_SPARE = 8
