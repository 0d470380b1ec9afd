"""The FHIR R4 routes at `/fhir/R4`: thin, like `/v1`'s: parse, call the domain services, map
what they answer to FHIR. Every route answers `application/fhir+json`, its failures as
OperationOutcomes (`FhirRoute`)."""

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.routing import APIRoute
from starlette.routing import Match

from app.admissions import service as admissions
from app.context import Context, context_with
from app.coverages import service as coverages
from app.errors import DomainError, MalformedJson, NotFound, Unprocessable, field_errors
from app.fhir import capability, patient_writes
from app.fhir.attendance import attended_minutes
from app.fhir.docs import FHIR_BODY, FhirBundle, FhirResource, answers, outcomes
from app.fhir.mapping import appointment as appointment_map
from app.fhir.mapping import coverage as coverage_map
from app.fhir.mapping import encounter as encounter_map
from app.fhir.mapping import episode_of_care as episode_map
from app.fhir.mapping.group import group_resource
from app.fhir.mapping.patient import patient_resource
from app.fhir.outcome import BadRequest, FhirRoute
from app.fhir.responses import PREFIX, FhirResponse, base_url, resource_response, searchset
from app.fhir.search import (
    FhirPage,
    check_parameters,
    date_bounds,
    instant_bounds,
    reference_id,
    split_by_precision,
    tokens,
)
from app.groups import membership
from app.groups import service as groups
from app.groups.service import GroupFilters
from app.pagination import PageParams
from app.patients import service as patients
from app.scheduling import appointments
from app.scheduling.schemas import AppointmentRead
from app.schemas import nul_character_errors, nul_locations
from app.security import Permission
from app.vocabulary import AppointmentStatus

router = APIRouter(
    prefix=PREFIX, tags=["fhir"], route_class=FhirRoute, default_response_class=FhirResponse
)

PatientReader = Annotated[Context, context_with(Permission.patients_read)]
PatientWriter = Annotated[Context, context_with(Permission.patients_write)]
AdmissionReader = Annotated[Context, context_with(Permission.admissions_read)]
ScheduleReader = Annotated[Context, context_with(Permission.schedules_read)]
GroupReader = Annotated[Context, context_with(Permission.groups_read)]
CoverageReader = Annotated[Context, context_with(Permission.coverages_read)]

DateValues = Annotated[
    list[str] | None,
    Query(description="A date or time with an optional prefix (ge, gt, le, lt); repeatable."),
]
PatientParameter = Annotated[
    str | None, Query(description="`Patient/<id>` or `<id>`.", examples=["Patient/0190…"])
]
StatusParameter = Annotated[str | None, Query(description="Codes; `a,b` for either.")]


async def resource_body(request: Request) -> dict[str, Any]:
    """The request's FHIR resource, read here so the OpenAPI document can name it (as
    `application/fhir+json`, or plain JSON)."""
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise MalformedJson("The request body could not be parsed as JSON.") from None
    if not isinstance(body, dict):
        raise BadRequest("The body must be one FHIR resource, a JSON object.")
    # `/v1` bodies are screened at the front door; FHIR's own errors are OperationOutcomes.
    found = nul_character_errors(nul_locations(body))
    if found:
        raise Unprocessable("Some fields are missing or invalid.", errors=field_errors(found))
    return body


PatientBody = Annotated[dict[str, Any], Depends(resource_body)]

READ = {**answers(FhirResource, "The resource, its version as the ETag"), **outcomes(404)}
SEARCH = {**answers(FhirBundle, "A searchset Bundle"), **outcomes()}


@router.get(
    "/metadata",
    summary="The CapabilityStatement: what this FHIR interface supports",
    responses=answers(FhirResource, "The CapabilityStatement"),
)
def read_capability_statement(request: Request) -> FhirResponse:
    statement = capability.capability_statement(
        request.app.state.clock(), base_url(request), request.app.version
    )
    return FhirResponse(statement)


@router.get("/Patient", summary="Search patients", responses=SEARCH)
def search_patients(
    request: Request,
    ctx: PatientReader,
    page: FhirPage,
    identifier: Annotated[str | None, Query(description="`system|value`, or a value.")] = None,
    name: Annotated[str | None, Query(max_length=100, description="Starts of names.")] = None,
    birthdate: DateValues = None,
    last_updated: Annotated[DateValues, Query(alias="_lastUpdated")] = None,
) -> FhirResponse:
    check_parameters(request, capability.PATIENT.search)
    found, total = patients.search_patients(
        ctx,
        page,
        name=name,
        identifier=identifier,
        born=date_bounds("birthdate", birthdate or []),
        updated=instant_bounds("_lastUpdated", last_updated or []),
    )
    return searchset(request, [patient_resource(p) for p in found], total, page)


@router.get("/Patient/{patient_id}", summary="Read a patient", responses=READ)
def read_patient(patient_id: str, ctx: PatientReader) -> FhirResponse:
    return resource_response(
        patient_resource(patients.read_patient(ctx, _id(patient_id, "patient")))
    )


@router.post(
    "/Patient",
    status_code=status.HTTP_201_CREATED,
    summary="Create a patient (with If-None-Exist, only if no patient has the identifier)",
    responses={
        **answers(FhirResource, "The patient that has the identifier already"),
        **answers(FhirResource, "The patient, created", 201),
        **outcomes(409, 412, 422),
    },
    openapi_extra=FHIR_BODY,
)
def create_patient(
    request: Request,
    ctx: PatientWriter,  # before the body: a request without a key is a 401, whatever it sends
    body: PatientBody,
    if_none_exist: Annotated[
        str | None,
        Header(
            description="`identifier=system|value`: answer the patient who has it instead.",
            examples=["identifier=urn:oid:2.16.840.1.113883.19.5|MRN-004512"],
        ),
    ] = None,
) -> FhirResponse:
    pushed = patient_writes.create_patient(ctx, body, if_none_exist)
    return _pushed(request, pushed)


@router.put(
    "/Patient",
    summary="Update the patient with an identifier, or create it: `?identifier=system|value`",
    responses={
        **answers(FhirResource, "The patient, updated"),
        **answers(FhirResource, "The patient, created", 201),
        **outcomes(409, 412, 422),
    },
    openapi_extra=FHIR_BODY,
)
def update_patient_by_identifier(
    request: Request,
    ctx: PatientWriter,  # before the body: a request without a key is a 401, whatever it sends
    body: PatientBody,
    identifier: Annotated[
        str,
        Query(
            description="The patient's identifier as `system|value`.",
            examples=["urn:oid:2.16.840.1.113883.19.5|MRN-004512"],
        ),
    ],
    if_match: Annotated[
        str | None, Header(description='The ETag read, such as W/"3" (else 412).')
    ] = None,
) -> FhirResponse:
    if set(request.query_params) != {"identifier"}:
        raise BadRequest("A conditional update takes exactly one parameter: identifier.")
    pushed = patient_writes.update_patient_by_identifier(ctx, identifier, body, if_match)
    return _pushed(request, pushed)


@router.get("/EpisodeOfCare", summary="Search episodes of care (admissions)", responses=SEARCH)
def search_episodes_of_care(
    request: Request,
    ctx: AdmissionReader,
    page: FhirPage,
    patient: PatientParameter = None,
    status: StatusParameter = None,
) -> FhirResponse:
    check_parameters(request, capability.EPISODE_OF_CARE.search)
    codes = _codes("status", status, episode_map.FHIR_STATUSES)
    found, total = admissions.list_admissions(
        ctx,
        page,
        patient_id=reference_id(patient, "Patient", "patient"),
        program_id=None,
        statuses=None if codes is None else episode_map.statuses_for(codes),
    )
    return searchset(request, [episode_map.episode_of_care_resource(a) for a in found], total, page)


@router.get(
    "/EpisodeOfCare/{episode_id}", summary="Read an episode of care (an admission)", responses=READ
)
def read_episode_of_care(episode_id: str, ctx: AdmissionReader) -> FhirResponse:
    admission = admissions.read_admission(ctx, _id(episode_id, "episode of care"))
    return resource_response(episode_map.episode_of_care_resource(admission))


@router.get("/Appointment", summary="Search appointments", responses=SEARCH)
def search_appointments(
    request: Request,
    ctx: ScheduleReader,
    page: FhirPage,
    patient: PatientParameter = None,
    date: DateValues = None,
    status: StatusParameter = None,
) -> FhirResponse:
    check_parameters(request, capability.APPOINTMENT.search)
    codes = _codes("status", status, appointment_map.FHIR_STATUSES)
    statuses = None if codes is None else appointment_map.statuses_for(codes)
    found, total = _appointments(ctx, page, patient, date, statuses)
    resources = [appointment_map.appointment_resource(a) for a in found]
    return searchset(request, resources, total, page)


@router.get("/Appointment/{appointment_id}", summary="Read an appointment", responses=READ)
def read_appointment(appointment_id: str, ctx: ScheduleReader) -> FhirResponse:
    found = appointments.read_appointment(ctx, _id(appointment_id, "appointment"))
    return resource_response(appointment_map.appointment_resource(found))


@router.get("/Encounter", summary="Search encounters (attended sessions)", responses=SEARCH)
def search_encounters(
    request: Request,
    ctx: ScheduleReader,
    page: FhirPage,
    patient: PatientParameter = None,
    date: DateValues = None,
    status: StatusParameter = None,
) -> FhirResponse:
    check_parameters(request, capability.ENCOUNTER.search)
    codes = _codes("status", status, encounter_map.FHIR_STATUSES)
    attended = [AppointmentStatus.fulfilled] if codes is None or "finished" in codes else []
    found, total = _appointments(ctx, page, patient, date, attended)
    return searchset(request, _encounters(ctx, found), total, page)


@router.get(
    "/Encounter/{encounter_id}", summary="Read an encounter (an attended session)", responses=READ
)
def read_encounter(encounter_id: str, ctx: ScheduleReader) -> FhirResponse:
    found = appointments.read_appointment(ctx, _id(encounter_id, "encounter"))
    if found.status != AppointmentStatus.fulfilled:
        raise NotFound(f"No encounter with id {encounter_id}: the session was not attended.")
    [encounter] = _encounters(ctx, [found])
    return resource_response(encounter)


@router.get("/Group", summary="Search therapy groups", responses=SEARCH)
def search_groups(request: Request, ctx: GroupReader, page: FhirPage) -> FhirResponse:
    check_parameters(request, capability.GROUP.search)
    found, total = groups.list_groups(ctx, GroupFilters(), page)
    members = membership.seated_members_of(ctx, [group.id for group in found])
    resources = [group_resource(group, members[group.id]) for group in found]
    return searchset(request, resources, total, page)


@router.get("/Group/{group_id}", summary="Read a therapy group with its members", responses=READ)
def read_group(group_id: str, ctx: GroupReader) -> FhirResponse:
    group = groups.read_group(ctx, _id(group_id, "therapy group"))
    members = membership.seated_members_of(ctx, [group.id])
    return resource_response(group_resource(group, members[group.id]))


@router.get("/Coverage", summary="Search coverages (insurance)", responses=SEARCH)
def search_coverages(
    request: Request,
    ctx: CoverageReader,
    page: FhirPage,
    patient: PatientParameter = None,
    identifier: Annotated[
        str | None, Query(description="The member id: `value` or `|value`.")
    ] = None,
    status: StatusParameter = None,
) -> FhirResponse:
    check_parameters(request, capability.COVERAGE.search)
    codes = _codes("status", status, coverage_map.FHIR_STATUSES)
    system, member_id = _member_id(identifier)
    if system or (codes is not None and coverage_map.STATUS not in codes):
        return searchset(request, [], 0, page)  # member ids have no system; all are active
    found, total = coverages.search_coverages(
        ctx, page, patient_id=reference_id(patient, "Patient", "patient"), member_id=member_id
    )
    return searchset(request, [coverage_map.coverage_resource(c) for c in found], total, page)


@router.get("/Coverage/{coverage_id}", summary="Read a coverage (insurance)", responses=READ)
def read_coverage(coverage_id: str, ctx: CoverageReader) -> FhirResponse:
    found = coverages.read_coverage(ctx, _id(coverage_id, "coverage"))
    return resource_response(coverage_map.coverage_resource(found))


@router.api_route(
    "/{path:path}",
    methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
    include_in_schema=False,
)
def unsupported(request: Request, path: str) -> FhirResponse:
    """Anything else under the FHIR base: an OperationOutcome, never a problem document."""
    allowed = sorted(
        method
        for route in router.routes
        if isinstance(route, APIRoute) and route.matches(request.scope)[0] == Match.PARTIAL
        for method in route.methods or ()
    )
    if allowed:
        error = DomainError(f"{request.method} is not supported here.", allow=", ".join(allowed))
        error.status, error.slug, error.title = 405, "method-not-allowed", "Method not allowed"
        raise error
    raise NotFound(f"This FHIR server has nothing at {path}; see {PREFIX}/metadata.")


def _id(value: str, label: str) -> uuid.UUID:
    """A resource id of ours, or 404: FHIR ids are strings, and no other string is ours."""
    try:
        return uuid.UUID(value)
    except ValueError:
        # Not repeated: a string that is no id of ours may be anything a client typed.
        raise NotFound(f"No {label} with this id in your organization.") from None


def _codes(parameter: str, value: str | None, known: frozenset[str]) -> list[str] | None:
    codes = tokens(value)
    if codes is None:
        return None
    if unknown := [code for code in codes if code not in known]:
        raise BadRequest(f"`{parameter}` has codes FHIR R4 does not define: {', '.join(unknown)}.")
    return codes


def _member_id(identifier: str | None) -> tuple[str, str | None]:
    """A token's system and value: `value` and `|value` are values without a system."""
    if identifier is None:
        return "", None
    system, bar, value = identifier.rpartition("|")
    return (system, value) if bar else ("", identifier)


def _appointments(
    ctx: Context,
    page: PageParams,
    patient: str | None,
    dates: list[str] | None,
    statuses: list[AppointmentStatus] | None,
) -> tuple[list[AppointmentRead], int]:
    local_dates, instants = split_by_precision("date", dates or [])
    found, total = appointments.search_appointments(
        ctx,
        page,
        patient_id=reference_id(patient, "Patient", "patient"),
        statuses=statuses,
        local_dates=date_bounds("date", local_dates),
        starts=instant_bounds("date", instants),
    )
    return found, total


def _encounters(ctx: Context, attended: list[AppointmentRead]) -> list[dict[str, Any]]:
    minutes = attended_minutes(ctx, attended)
    return [encounter_map.encounter_resource(a, minutes[a.id]) for a in attended]


def _pushed(request: Request, pushed: patient_writes.Pushed) -> FhirResponse:
    resource = patient_resource(pushed.patient)
    if not pushed.created:
        return resource_response(resource)
    version = resource["meta"]["versionId"]
    location = f"{base_url(request)}/Patient/{resource['id']}/_history/{version}"
    return resource_response(resource, status_code=201, location=location)
