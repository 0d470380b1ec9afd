import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.context import Context, context_with
from app.flows import patients as patient_flows
from app.openapi import problem_example, problem_responses
from app.pagination import PageDep, page_response
from app.patients import service
from app.patients.schemas import (
    ConsentCreate,
    ConsentRead,
    PatientCreate,
    PatientRead,
    PatientUpdate,
)
from app.schemas import Date, Page
from app.security import Permission
from app.versioning import IfMatch, expected_version, with_etag

router = APIRouter(tags=["patients"])

Reader = Annotated[Context, context_with(Permission.patients_read)]
Writer = Annotated[Context, context_with(Permission.patients_write)]
Deleter = Annotated[Context, context_with(Permission.patients_delete)]
NOT_FOUND = problem_responses(404)
UPDATE_ERRORS = problem_responses(404, 409, 412)
DELETE_ERRORS = problem_responses(
    404,
    409,
    412,
    r409={
        "patient-in-care": {"value": problem_example(
            409, "patient-in-care", "The patient still has open care",
            "End the patient's care before deleting the record: discharge or cancel each open"
            " admission (which frees its group seats and cancels its bookings).",
            open_admission_ids=["3f0c9b7e-2a41-4d8e-9c1a-5b6d7e8f9a01"],
            open_group_membership_ids=["7d2e4f6a-8b0c-4d1e-a2f3-b4c5d6e7f809"],
            booked_appointment_ids=[])},
        "edit-conflict": {"value": problem_example(
            409, "edit-conflict", "The record changed since it was read",
            "Someone else changed this record; read it again and retry.")},
    },
)  # fmt: skip


@router.post(
    "/patients",
    status_code=status.HTTP_201_CREATED,
    summary="Register a patient",
    responses=problem_responses(409),
)
def create_patient(body: PatientCreate, ctx: Writer, response: Response) -> PatientRead:
    return with_etag(response, service.create_patient(ctx, body))


@router.get(
    "/patients",
    summary="Search patients by name, date of birth or identifier",
    response_model=Page[PatientRead],
)
def list_patients(
    ctx: Reader,
    page: PageDep,
    name: Annotated[
        str | None, Query(max_length=100, description="Prefixes of given or family name.")
    ] = None,
    date_of_birth: Date | None = None,
    identifier: Annotated[
        str | None,
        Query(
            max_length=301, description="`system|value` or a bare value.", examples=["MRN-004512"]
        ),
    ] = None,
) -> Response:
    patients, total = service.search_patients(
        ctx, page, name=name, date_of_birth=date_of_birth, identifier=identifier
    )
    return page_response(Page[PatientRead], patients, total, page)


@router.get("/patients/{patient_id}", summary="Read a patient", responses=NOT_FOUND)
def get_patient(patient_id: uuid.UUID, ctx: Reader, response: Response) -> PatientRead:
    return with_etag(response, service.read_patient(ctx, patient_id))


@router.patch("/patients/{patient_id}", summary="Update a patient", responses=UPDATE_ERRORS)
def update_patient(
    patient_id: uuid.UUID,
    body: PatientUpdate,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> PatientRead:
    return with_etag(
        response, service.update_patient(ctx, patient_id, body, expected_version(if_match))
    )


@router.delete(
    "/patients/{patient_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a patient with no open care (soft: kept, hidden from reads and lists)",
    responses=DELETE_ERRORS,
)
def delete_patient(patient_id: uuid.UUID, ctx: Deleter, if_match: IfMatch = None) -> None:
    """The patient's open insurance verification requests are cancelled, and payers no
    longer see any of the patient's requests."""
    patient_flows.delete_patient(ctx, patient_id, expected_version(if_match))


@router.post(
    "/patients/{patient_id}/consents",
    status_code=status.HTTP_201_CREATED,
    summary="Record a 42 CFR Part 2 consent to disclose",
    responses=NOT_FOUND,
)
def create_consent(patient_id: uuid.UUID, body: ConsentCreate, ctx: Writer) -> ConsentRead:
    return service.add_consent(ctx, patient_id, body)


@router.get(
    "/patients/{patient_id}/consents",
    summary="A patient's Part 2 consents, newest first",
    responses=NOT_FOUND,
)
def list_consents(patient_id: uuid.UUID, ctx: Reader) -> list[ConsentRead]:
    return service.list_consents(ctx, patient_id)


@router.post(
    "/patients/{patient_id}/consents/{consent_id}/revoke",
    summary="Revoke a consent from now on",
    responses=NOT_FOUND,
)
def revoke_consent(patient_id: uuid.UUID, consent_id: uuid.UUID, ctx: Writer) -> ConsentRead:
    return service.revoke_consent(ctx, patient_id, consent_id)
