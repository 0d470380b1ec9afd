"""Failures of the FHIR routes as `OperationOutcome` resources, with the status `/v1` gives.

The handlers are the FHIR routes' own (`FhirRoute` hands them to the request), so `/v1`
keeps answering `application/problem+json` through the application's handlers.
"""

from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from app.errors import (
    Busy,
    Conflict,
    DomainError,
    EditConflict,
    MalformedJson,
    Unprocessable,
    field_errors,
    is_retryable,
)
from app.fhir.codes import FHIR_JSON, code_system

log = structlog.get_logger(__name__)

PROBLEM_SYSTEM = code_system("problem")

# HTTP status → the OperationOutcome issue type (FHIR value set `issue-type`).
_ISSUE_TYPES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    409: "conflict",
    412: "conflict",
    413: "too-costly",
    422: "processing",
    429: "throttled",
    503: "transient",
}


class BadRequest(DomainError):
    """A request FHIR calls malformed: an unparsable resource or search."""

    status, slug, title = 400, "invalid-fhir-request", "The FHIR request is not valid"


class NotSupported(BadRequest):
    slug, title = "not-supported", "Not supported by this server"


def operation_outcome(error: DomainError) -> dict[str, Any]:
    """The OperationOutcome of a failure: one issue, or one per invalid field."""
    code = "duplicate" if error.slug == "identifier-taken" else None
    code = code or ("not-supported" if isinstance(error, NotSupported) else None)
    issue_type = code or _ISSUE_TYPES.get(error.status, "exception")
    details = {
        "coding": [{"system": PROBLEM_SYSTEM, "code": error.slug, "display": error.title}],
        "text": error.title,
    }
    if not error.errors:
        issues = [
            {"severity": "error", "code": issue_type, "details": details,
             "diagnostics": error.detail}
        ]  # fmt: skip
    else:
        issues = [
            {
                "severity": "error",
                "code": "required" if field.code == "missing" else issue_type,
                "details": details,
                "diagnostics": f"{error.detail} {field.field}: {field.message}",
                "expression": [field.field],
            }
            for field in error.errors
        ]
    return {"resourceType": "OperationOutcome", "issue": issues}


def outcome_response(error: DomainError) -> JSONResponse:
    headers = error.headers()
    if "allow" in error.extensions:  # a 405 names every method the path has (RFC 9110)
        headers["Allow"] = str(error.extensions["allow"])
    return JSONResponse(
        operation_outcome(error), status_code=error.status, media_type=FHIR_JSON, headers=headers
    )


def as_domain_error(error: Exception) -> DomainError:
    """What any failure of a FHIR route means, in the terms `/v1` uses for it."""
    match error:
        case DomainError():
            return error
        case RequestValidationError():
            raw = error.errors()
            if any(e["type"] == "json_invalid" for e in raw):
                return MalformedJson("The request body could not be parsed as JSON.")
            # FHIR: a search or body the server cannot parse is a 400, not a 422.
            return BadRequest("Some parameters are missing or invalid.", errors=field_errors(raw))
        case ValidationError():
            return Unprocessable(
                "Some fields are missing or invalid.", errors=field_errors(error.errors())
            )
        case HTTPException():
            return _framework_error(error.status_code, str(error.detail))
        case StaleDataError():
            return EditConflict("Someone else changed this record; read it again and retry.")
        case IntegrityError():
            return Conflict("The change conflicts with an existing record.")
        case OverflowError():
            return Unprocessable("A date or number is beyond the range this service supports.")
        case DBAPIError() if is_retryable(error):
            return Busy("Another request changed the same records; retry shortly.", retry_after=1)
    log.error("unhandled_error", error_type=type(error).__name__)
    return _framework_error(500, "An unexpected error occurred; it has been logged.")


def _framework_error(status: int, detail: str) -> DomainError:
    error = DomainError(detail)
    error.status, error.title = status, HTTPStatus(status).phrase
    error.slug = HTTPStatus(status).phrase.lower().replace(" ", "-")
    return error


async def _handle(_request: Request, error: Exception) -> Response:
    return outcome_response(as_domain_error(error))


HANDLERS: dict[Any, Callable[[Request, Exception], Coroutine[Any, Any, Response]]] = {
    Exception: _handle
}


class FhirRoute(APIRoute):
    """A route whose failures answer OperationOutcome: the request carries the FHIR handlers
    in place of the application's, for this route only."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["starlette.exception_handlers"] = (HANDLERS, {})
        await super().handle(scope, receive, send)
