"""Domain errors and their one rendering: RFC 9457 `application/problem+json`.

Services raise a `DomainError` subclass; they never build HTTP responses. The handlers below
turn every failure (ours, FastAPI's validation, unknown routes, edit conflicts, anything
unexpected) into a problem document with a stable `type`, so clients can branch on it.
"""

import re
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

PROBLEM_MEDIA_TYPE = "application/problem+json"

log = structlog.get_logger(__name__)


class FieldError(BaseModel):
    field: str = Field(description="Where the problem is, e.g. `sessions[2].weekday`.")
    code: str = Field(description="Stable machine-readable code.")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(examples=["https://iop.example/problems/not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["No patient with this id."])
    instance: str = Field(examples=["/v1/patients/0b9c6f0e-8f0a-4c55-a8a4-3f8f5b0c2d11"])
    request_id: str | None = None
    errors: list[FieldError] | None = None
    model_config = {"extra": "allow"}


class DomainError(Exception):
    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[FieldError] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.extensions = extensions

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries with its body."""
        if "retry_after" in self.extensions:
            return {"Retry-After": str(self.extensions["retry_after"])}
        return {}


class Unauthorized(DomainError):
    status, slug, title = 401, "unauthorized", "Missing or invalid API key"

    def __init__(self, detail: str, *, key_sent: bool = False) -> None:
        super().__init__(detail)
        self.key_sent = key_sent

    def headers(self) -> dict[str, str]:
        # RFC 9110 §11.6.1 / RFC 6750 §3: a 401 names the scheme that would succeed.
        challenge = 'Bearer realm="iop"'
        return {
            "WWW-Authenticate": challenge + (', error="invalid_token"' if self.key_sent else "")
        }


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Not allowed for this role"


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict with the current state"


class InvalidTransition(Conflict):
    slug, title = "invalid-transition", "Transition not allowed from the current state"


class EditConflict(Conflict):
    slug, title = "edit-conflict", "The record changed since it was read"


class PreconditionFailed(DomainError):
    status, slug, title = 412, "precondition-failed", "If-Match does not match the current version"


class Unprocessable(DomainError):
    status, slug, title = 422, "validation-error", "The request is not valid"


class RateLimited(DomainError):
    status, slug, title = 429, "rate-limited", "Too many requests"


def problem_response(request: Request, error: DomainError) -> JSONResponse:
    settings = request.app.state.settings
    body: dict[str, Any] = {
        "type": settings.problem_base_uri + error.slug,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "instance": problem_instance(request),
        "request_id": request.scope.get("state", {}).get("request_id"),
    }
    if error.errors is not None:
        body["errors"] = [e.model_dump() for e in error.errors]
    body.update(error.extensions)
    return JSONResponse(
        body, status_code=error.status, media_type=PROBLEM_MEDIA_TYPE, headers=error.headers()
    )


_ID_SEGMENT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\d{4}-\d{2}-\d{2}"
)


def problem_instance(request: Request) -> str:
    """The request's path, with every segment that is neither a word of our routes nor an id
    or a date shown as `{…}`: a client may have typed a name where an id goes, and an error
    answer repeats no patient data."""
    words: set[str] | None = getattr(request.app.state, "path_words", None)
    if words is None:
        words = {
            segment
            for context in iter_route_contexts(request.app.routes)
            for segment in (context.path or "").split("/")
            if not segment.startswith("{")
        }
        request.app.state.path_words = words
    return "/".join(
        part if part in words or _ID_SEGMENT.fullmatch(part) else "{…}"
        for part in request.url.path.split("/")
    )


def field_name(loc: Sequence[int | str]) -> str:
    """`("body", "sessions", 2, "weekday")` → `sessions[2].weekday`; others keep their source."""
    parts = list(loc[1:]) if loc and loc[0] == "body" else list(loc)
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def field_errors(errors: Sequence[Any]) -> list[FieldError]:
    return [
        FieldError(field=field_name(e["loc"]), code=e["type"], message=e["msg"]) for e in errors
    ]


class Busy(DomainError):
    status, slug, title = 503, "busy", "Busy with concurrent changes; retry"


# PostgreSQL: deadlock detected, serialization failure, lock not available.
_RETRYABLE_SQLSTATES = {"40P01", "40001", "55P03"}


def is_retryable(error: DBAPIError) -> bool:
    """A conflict between concurrent transactions that a retry resolves; nothing was stored."""
    if getattr(error.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(error.orig)


class DatabaseUnavailable(DomainError):
    status, slug, title = 503, "database-unavailable", "The database cannot be reached; retry"


def is_unavailable(error: DBAPIError) -> bool:
    """The database is down, restarting, out of connections or dropped ours: nothing was
    stored, and the same request succeeds once it is back (no restart needed)."""
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return (
        error.connection_invalidated
        or sqlstate.startswith(("08", "53", "57P"))
        or (isinstance(error, OperationalError) and not sqlstate)
    )


class MalformedJson(DomainError):
    status, slug, title = 400, "malformed-json", "The body is not valid JSON"


def _framework_problem(status: int, slug: str, detail: str) -> DomainError:
    """Errors raised outside our services: unknown route, wrong method, the unexpected."""
    problem = DomainError(detail)
    problem.status, problem.slug, problem.title = status, slug, HTTPStatus(status).phrase
    return problem


_FRAMEWORK_SLUGS = {404: "not-found", 405: "method-not-allowed", 413: "body-too-large"}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> JSONResponse:
        return problem_response(request, error)

    @app.exception_handler(RequestValidationError)
    async def _request_validation(request: Request, error: RequestValidationError) -> JSONResponse:
        raw = error.errors()
        if any(e["type"] == "json_invalid" for e in raw):
            return problem_response(
                request, MalformedJson("The request body could not be parsed as JSON.")
            )
        return problem_response(
            request,
            Unprocessable("Some fields are missing or invalid.", errors=field_errors(raw)),
        )

    @app.exception_handler(ValidationError)
    async def _model_validation(request: Request, error: ValidationError) -> JSONResponse:
        return problem_response(
            request,
            Unprocessable(
                "Some fields are missing or invalid.", errors=field_errors(error.errors())
            ),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        slug = _FRAMEWORK_SLUGS.get(error.status_code, "http-error")
        problem = _framework_problem(error.status_code, slug, str(error.detail))
        response = problem_response(request, problem)
        if error.headers:
            response.headers.update(error.headers)
        if error.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(request))
        return response

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, _error: StaleDataError) -> JSONResponse:
        return problem_response(
            request, EditConflict("Someone else changed this record; read it again and retry.")
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, error: IntegrityError) -> JSONResponse:
        # Constraint names are ours, never patient data, so they are safe to log.
        log.warning("integrity_error", constraint=_constraint_name(error))
        return problem_response(request, Conflict("The change conflicts with an existing record."))

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, _error: OverflowError) -> JSONResponse:
        # Date arithmetic past year 9999, or a number too large for its column.
        problem = Unprocessable("A date or number is beyond the range this service supports.")
        return problem_response(request, problem)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, error: DBAPIError) -> JSONResponse:
        if isinstance(error, IntegrityError):
            return await _integrity(request, error)
        if is_retryable(error):
            log.warning("retryable_database_error", error_type=type(error.orig).__name__)
            busy = Busy("Another request changed the same records; retry shortly.", retry_after=1)
            return problem_response(request, busy)
        if is_unavailable(error):
            return await _unavailable(request, error)
        return await _unexpected(request, error)

    @app.exception_handler(SQLAlchemyTimeoutError)
    async def _unavailable(request: Request, error: Exception) -> JSONResponse:
        # Unreachable, or every pooled connection busy past the pool's timeout.
        log.warning("database_unavailable", error_type=type(error).__name__)
        unavailable = DatabaseUnavailable(
            "The database is unavailable; retry shortly.", retry_after=5
        )
        return problem_response(request, unavailable)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error("unhandled_error", error_type=type(error).__name__)
        detail = "An unexpected error occurred; it has been logged with the request id."
        return problem_response(request, _framework_problem(500, "internal-error", detail))


def allowed_methods(request: Request) -> list[str]:
    """Every method the request's path answers to. Starlette's 405 names only those of the
    first route of that path, and several routes share a path (GET and POST `/v1/patients`)."""
    app = request.app
    routes: list[tuple[re.Pattern[str], set[str]]] | None = getattr(
        app.state, "route_methods", None
    )
    if routes is None:
        routes = [
            (compile_path(context.path or "")[0], set(context.methods or ()))
            for context in iter_route_contexts(app.routes)
        ]
        app.state.route_methods = routes
    path = request.scope["path"]
    return sorted({method for regex, methods in routes if regex.match(path) for method in methods})


def _constraint_name(error: IntegrityError) -> str | None:
    diag = getattr(error.orig, "diag", None)
    return getattr(diag, "constraint_name", None)
