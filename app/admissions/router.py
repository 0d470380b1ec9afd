import uuid
from typing import Annotated

from fastapi import APIRouter, Body, status

from app.admissions import examples, service
from app.admissions.schemas import (
    AdmissionCreate,
    AdmissionRead,
    Approval,
    AssessmentRead,
    Discharge,
    Evaluation,
    EvaluationRequest,
    Reassessment,
    Start,
    StatusChange,
    TransitionRead,
)
from app.context import Context, context_with
from app.flows import admissions as admission_flows
from app.openapi import problem_example, problem_responses
from app.pagination import PageDep, page_body
from app.schemas import Page
from app.security import Permission
from app.vocabulary import AdmissionStatus

router = APIRouter(tags=["admissions"])
eligibility_router = APIRouter(tags=["eligibility"])

Evaluator = Annotated[Context, context_with(Permission.eligibility_evaluate)]
Reader = Annotated[Context, context_with(Permission.admissions_read)]
Writer = Annotated[Context, context_with(Permission.admissions_write)]
Approver = Annotated[Context, context_with(Permission.admissions_approve)]
NOT_FOUND = problem_responses(404)
TRANSITION_ERRORS = problem_responses(
    404,
    409,
    r409={
        "invalid-transition": {
            "value": problem_example(
                409, "invalid-transition", "Transition not allowed from the current state",
                "An admission that is pending cannot start; allowed: approve, cancel, reassess.",
                current_state="pending", allowed_actions=["approve", "cancel", "reassess"],
            )
        }
    },
)  # fmt: skip


@eligibility_router.post(
    "/eligibility/evaluations",
    summary="Evaluate an assessment: admit to IOP, refer, or list what is missing (stores nothing)",
    responses={
        200: {"content": {"application/json": {"examples": examples.response_examples()}}},
        **problem_responses(404),
    },
)
def evaluate_eligibility(
    body: Annotated[EvaluationRequest, Body(openapi_examples=examples.request_examples())],
    ctx: Evaluator,
) -> Evaluation:
    return service.evaluate(ctx, body)


@router.post(
    "/admissions",
    status_code=status.HTTP_201_CREATED,
    summary="Admit a patient to a program: the assessment is evaluated and kept",
    responses=problem_responses(404, 409),
)
def create_admission(body: AdmissionCreate, ctx: Writer) -> AdmissionRead:
    return service.create_admission(ctx, body)


@router.get("/admissions", summary="List admissions, newest first")
def list_admissions(
    ctx: Reader,
    page: PageDep,
    patient_id: uuid.UUID | None = None,
    program_id: uuid.UUID | None = None,
    status: AdmissionStatus | None = None,
) -> Page[AdmissionRead]:
    admissions, total = service.list_admissions(
        ctx,
        page,
        patient_id=patient_id,
        program_id=program_id,
        statuses=None if status is None else [status],
    )
    return Page[AdmissionRead].model_validate(page_body(admissions, total, page))


@router.get("/admissions/{admission_id}", summary="Read an admission", responses=NOT_FOUND)
def get_admission(admission_id: uuid.UUID, ctx: Reader) -> AdmissionRead:
    return service.read_admission(ctx, admission_id)


@router.post(
    "/admissions/{admission_id}/approve",
    summary="Approve the clinical documentation and record the authorized visits (clinicians)",
    responses=TRANSITION_ERRORS,
)
def approve_admission(admission_id: uuid.UUID, body: Approval, ctx: Approver) -> AdmissionRead:
    return service.approve(ctx, admission_id, body)


@router.post(
    "/admissions/{admission_id}/start",
    summary="Start treatment (approved → active)",
    responses=TRANSITION_ERRORS,
)
def start_admission(admission_id: uuid.UUID, body: Start, ctx: Writer) -> AdmissionRead:
    return service.start(ctx, admission_id, body)


@router.post(
    "/admissions/{admission_id}/hold",
    summary="Put treatment on hold (active → on_hold)",
    responses=TRANSITION_ERRORS,
)
def hold_admission(admission_id: uuid.UUID, body: StatusChange, ctx: Writer) -> AdmissionRead:
    return admission_flows.hold(ctx, admission_id, body.reason)


@router.post(
    "/admissions/{admission_id}/resume",
    summary="Resume treatment (on_hold → active)",
    responses=TRANSITION_ERRORS,
)
def resume_admission(admission_id: uuid.UUID, body: StatusChange, ctx: Writer) -> AdmissionRead:
    return admission_flows.resume(ctx, admission_id, body.reason)


@router.post(
    "/admissions/{admission_id}/discharge",
    summary="Discharge with a type, a date and a reason",
    responses=TRANSITION_ERRORS,
)
def discharge_admission(admission_id: uuid.UUID, body: Discharge, ctx: Writer) -> AdmissionRead:
    return admission_flows.discharge(ctx, admission_id, body)


@router.post(
    "/admissions/{admission_id}/cancel",
    summary="Cancel an open admission",
    responses=TRANSITION_ERRORS,
)
def cancel_admission(admission_id: uuid.UUID, body: StatusChange, ctx: Writer) -> AdmissionRead:
    return admission_flows.cancel(ctx, admission_id, body.reason)


@router.post(
    "/admissions/{admission_id}/assessments",
    status_code=status.HTTP_201_CREATED,
    summary="Re-assess during treatment; kept as history, may recommend another level",
    responses=TRANSITION_ERRORS,
)
def reassess_admission(admission_id: uuid.UUID, body: Reassessment, ctx: Writer) -> AssessmentRead:
    return service.reassess(ctx, admission_id, body)


@router.get(
    "/admissions/{admission_id}/assessments",
    summary="Every assessment of an admission, oldest first",
    responses=NOT_FOUND,
)
def list_admission_assessments(admission_id: uuid.UUID, ctx: Reader) -> list[AssessmentRead]:
    return service.list_assessments(ctx, admission_id)


@router.get(
    "/admissions/{admission_id}/transitions",
    summary="Who moved the admission between states, when and why",
    responses=NOT_FOUND,
)
def list_admission_transitions(admission_id: uuid.UUID, ctx: Reader) -> list[TransitionRead]:
    return service.list_transitions(ctx, admission_id)
