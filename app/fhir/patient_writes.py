"""How an EHR pushes its patients: create (optionally only if none matches), and update by
identifier, which creates the patient the first time and updates it every time after.

The identifier decides which patient a push is about, so a push that would leave the patient
without that identifier is refused: the next push would not find it and would duplicate it.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from app.context import Context
from app.errors import FieldError, PreconditionFailed, Unprocessable
from app.fhir.mapping.patient import in_fhir_terms, parse_patient, patient_create, patient_update
from app.fhir.outcome import BadRequest
from app.pagination import PageParams
from app.patients import service
from app.patients.schemas import PatientRead
from app.versioning import Precondition


@dataclass(frozen=True)
class Pushed:
    patient: PatientRead
    created: bool


def create_patient(ctx: Context, body: dict[str, Any], if_none_exist: str | None) -> Pushed:
    """FHIR create; with `If-None-Exist: identifier=system|value`, the patient that already
    has the identifier is answered instead of a second one."""
    resource = parse_patient(body)
    if if_none_exist is not None:
        existing = _matching(ctx, _condition(if_none_exist))
        if existing is not None:
            return Pushed(existing, created=False)
    new = patient_create(resource)
    with _fhir_terms():
        return Pushed(service.create_patient(ctx, new), created=True)


def update_patient_by_identifier(
    ctx: Context, identifier: str, body: dict[str, Any], if_match: str | None
) -> Pushed:
    """FHIR conditional update: the one patient with `system|value` is replaced by the body,
    or created when none has it yet."""
    system, value = _system_and_value(identifier)
    resource = parse_patient(body)
    sent = {(i.system, i.value) for i in resource.identifier or []}
    if (system, value) not in sent:
        raise BadRequest(
            "The patient must carry the identifier it is updated by (the `identifier` query).",
            errors=[FieldError(field="Patient.identifier", code="invalid", message="missing")],
        )
    expected = _version_sent(if_match)
    existing = _matching(ctx, identifier)
    if existing is None:
        if resource.id is not None:
            raise BadRequest("This server assigns patient ids: send the patient without `id`.")
        if expected is not None:
            raise PreconditionFailed("No patient has this identifier, so none has that version.")
        new = patient_create(resource)
        with _fhir_terms():
            return Pushed(service.create_patient(ctx, new), created=True)
    if resource.id is not None and resource.id != str(existing.id):
        raise BadRequest(
            f"The body's id is {resource.id}, but the patient with this identifier is"
            f" {existing.id}."
        )
    update = patient_update(resource)
    with _fhir_terms():
        return Pushed(service.update_patient(ctx, existing.id, update, expected), created=False)


# FHIR's ETags are weak (`W/"3"`, FHIR R4 http.html#versioning) and its If-Match is optional:
# an EHR that sends one has the update refused unless the patient is at that version.
_FHIR_ETAG = re.compile(r'(?:W/)?"([0-9]{1,9})"')


def _version_sent(if_match: str | None) -> Precondition | None:
    if if_match is None:
        return None
    match = _FHIR_ETAG.fullmatch(if_match.strip())
    if match is None:
        raise Unprocessable('If-Match must be an ETag from this server, such as W/"3".')
    return Precondition(if_match.strip(), frozenset({int(match.group(1))}))


def _matching(ctx: Context, identifier: str) -> PatientRead | None:
    found, total = service.search_patients(
        ctx, PageParams(limit=1, offset=0), identifier=identifier
    )
    if total > 1:
        raise PreconditionFailed(
            f"{total} patients match identifier {identifier}; name one system|value."
        )
    return found[0] if found else None


def _condition(if_none_exist: str) -> str:
    """`identifier=system|value` (the query of a search) → the identifier."""
    parameters = parse_qsl(if_none_exist.removeprefix("Patient?"))
    if len(parameters) != 1 or parameters[0][0] != "identifier":
        raise BadRequest("If-None-Exist supports one parameter: identifier=system|value.")
    return parameters[0][1]


def _system_and_value(identifier: str) -> tuple[str, str]:
    system, bar, value = identifier.rpartition("|")
    if not (bar and system and value):
        raise BadRequest(
            "Update patients by one identifier with its system: `identifier=system|value`.",
            errors=[FieldError(field="identifier", code="invalid", message="system|value")],
        )
    return system, value


@contextmanager
def _fhir_terms() -> Iterator[None]:
    """Our services' refusals of a pushed patient, named by the FHIR elements they came from."""
    try:
        yield
    except Unprocessable as error:
        if not error.errors:
            raise
        raise in_fhir_terms(error) from None
