import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Response, status
from fastapi.concurrency import run_in_threadpool

from app.admissions import authorizations, examples, service
from app.admissions.schemas import (
    AdmissionCreate,
    AdmissionRead,
    Approval,
    AssessmentRead,
    AuthorizationCreate,
    AuthorizationRead,
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
from app.flows import authorizations as authorization_flows
from app.idempotency.middleware import READ_ONLY
from app.openapi import problem_example, problem_responses
from app.pagination import PageDep, page_body
from app.schemas import Page
from app.security import Permission
from app.versioning import IfMatch, expected_version, with_etag
from app.vocabulary import AdmissionStatus

router = APIRouter(tags=["admissions"])
eligibility_router = APIRouter(tags=["eligibility"])

Evaluator = Annotated[Context, context_with(Permission.eligibility_evaluate)]
Reader = Annotated[Context, context_with(Permission.admissions_read)]
Writer = Annotated[Context, context_with(Permission.admissions_write)]
Approver = Annotated[Context, context_with(Permission.admissions_approve)]
NOT_FOUND = problem_responses(404)
PRECONDITION_FAILED = problem_responses(412)

INVALID_TRANSITION = {
    "value": problem_example(
        409, "invalid-transition", "Transition not allowed from the current state",
        "An admission that is active cannot cancel; allowed: hold, discharge, reassess.",
        current_state="active", allowed_actions=["hold", "discharge", "reassess"],
    )
}  # fmt: skip
NOT_ELIGIBLE = {
    "value": problem_example(
        409, "not-eligible", "The latest assessment does not support IOP",
        "The latest assessment (refer_higher, level WM) does not support IOP: re-assess before"
        " you start.",
        outcome="refer_higher", recommended_level="WM",
        reasons=[{
            "code": "withdrawal_management_needed", "dimension": "d1",
            "message": "D1 is rated 3: refer to withdrawal management before IOP.",
        }],
        allowed_actions=["cancel", "reassess"],
    )
}  # fmt: skip
ADMISSION_EXISTS = {
    "value": problem_example(
        409, "admission-exists",
        "The patient already has an open admission in this program",
        "Admission 3f1c2a9e-7b4d-4e0a-9c8b-2d6f5e4a1b0c is still open for this patient in this"
        " program.",
        admission_id="3f1c2a9e-7b4d-4e0a-9c8b-2d6f5e4a1b0c",
    )
}  # fmt: skip
PART2_NOTICE_MISSING = {
    "value": problem_example(
        409, "part2-notice-missing", "The 42 CFR Part 2 notice has not been recorded",
        "Record when the Part 2 notice was given before approving.",
    )
}  # fmt: skip


def field_problem(field: str, code: str, message: str) -> dict[str, Any]:
    """A 422 example whose one field error is `field`."""
    return {
        "value": problem_example(
            422, "validation-error", "The request is not valid", message,
            errors=[{"field": field, "code": code, "message": message}],
        )
    }  # fmt: skip


# A route with its own 422 examples keeps the generic one of malformed bodies beside them.
VALIDATION_ERROR = {
    "validation-error": {
        "value": problem_example(
            422, "validation-error", "The request is not valid",
            "Some fields are missing or invalid.",
        )
    }
}  # fmt: skip
CONTRADICTS_RECORD = field_problem(
    "assessment.age", "contradicts_patient_record",
    "age 34 contradicts the patient record's date_of_birth: the patient is 16 on 2026-03-02.",
)  # fmt: skip
TRANSITION_ERRORS = problem_responses(404, 409, r409={"invalid-transition": INVALID_TRANSITION})
INTO_TREATMENT_ERRORS = problem_responses(
    404, 409, r409={"invalid-transition": INVALID_TRANSITION, "not-eligible": NOT_ELIGIBLE}
)


@eligibility_router.post(
    "/eligibility/evaluations",
    summary="Evaluate an assessment: admit to IOP, refer, or list what is missing (stores nothing)",
    openapi_extra=READ_ONLY,
    responses={
        200: {"content": {"application/json": {"examples": examples.response_examples()}}},
        **problem_responses(
            404,
            422,
            r422=VALIDATION_ERROR
            | {
                "contradicts-date-of-birth": field_problem(
                    "age",
                    "contradicts_date_of_birth",
                    "age 34 contradicts the assessment's date_of_birth: the patient is 16 on"
                    " 2026-03-02.",
                )
            },
        ),
    },
)
async def evaluate_eligibility(
    body: Annotated[EvaluationRequest, Body(openapi_examples=examples.request_examples())],
    ctx: Evaluator,
) -> Evaluation:
    if body.program_id is None:
        # Pure computation on the domain defaults: answered on the event loop, no thread.
        return service.evaluate(ctx, body)
    return await run_in_threadpool(service.evaluate, ctx, body)


@router.post(
    "/admissions",
    status_code=status.HTTP_201_CREATED,
    summary="Admit a patient to a program: the assessment is evaluated and kept",
    responses=problem_responses(
        404,
        409,
        422,
        r409={"admission-exists": ADMISSION_EXISTS},
        r422=VALIDATION_ERROR | {"contradicts-patient-record": CONTRADICTS_RECORD},
    ),
)
def create_admission(body: AdmissionCreate, ctx: Writer, response: Response) -> AdmissionRead:
    return with_etag(response, service.create_admission(ctx, body))


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
def get_admission(admission_id: uuid.UUID, ctx: Reader, response: Response) -> AdmissionRead:
    return with_etag(response, service.read_admission(ctx, admission_id))


@router.post(
    "/admissions/{admission_id}/approve",
    summary="Approve the clinical documentation and record the authorized visits (clinicians)",
    responses=problem_responses(
        404,
        409,
        412,
        r409={
            "invalid-transition": INVALID_TRANSITION,
            "not-eligible": NOT_ELIGIBLE,
            "part2-notice-missing": PART2_NOTICE_MISSING,
        },
    ),
)
def approve_admission(
    admission_id: uuid.UUID,
    body: Approval,
    ctx: Approver,
    response: Response,
    if_match: IfMatch = None,
) -> AdmissionRead:
    admission = service.approve(ctx, admission_id, body, expected_version(if_match))
    return with_etag(response, admission)


@router.post(
    "/admissions/{admission_id}/start",
    summary="Start treatment (approved → active), within the authorization period",
    responses=problem_responses(
        404,
        409,
        412,
        422,
        r409={"invalid-transition": INVALID_TRANSITION, "not-eligible": NOT_ELIGIBLE},
        r422=VALIDATION_ERROR
        | {
            "outside-authorization": field_problem(
                "started_on",
                "outside_authorization",
                "Treatment cannot start on 2026-03-02 (today, as no date was given): the"
                " authorization runs from 2026-03-09 to 2026-04-30.",
            )
        },
    ),
)
def start_admission(
    admission_id: uuid.UUID,
    body: Start,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AdmissionRead:
    admission = service.start(ctx, admission_id, body, expected_version(if_match))
    return with_etag(response, admission)


@router.post(
    "/admissions/{admission_id}/hold",
    summary="Put treatment on hold (active → on_hold)",
    responses={**TRANSITION_ERRORS, **PRECONDITION_FAILED},
)
def hold_admission(
    admission_id: uuid.UUID,
    body: StatusChange,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AdmissionRead:
    admission = admission_flows.hold(ctx, admission_id, body.reason, expected_version(if_match))
    return with_etag(response, admission)


@router.post(
    "/admissions/{admission_id}/resume",
    summary="Resume treatment (on_hold → active) if the latest assessment still supports IOP",
    responses={**INTO_TREATMENT_ERRORS, **PRECONDITION_FAILED},
)
def resume_admission(
    admission_id: uuid.UUID,
    body: StatusChange,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AdmissionRead:
    admission = admission_flows.resume(ctx, admission_id, body.reason, expected_version(if_match))
    return with_etag(response, admission)


@router.post(
    "/admissions/{admission_id}/discharge",
    summary="End treatment (active or on hold) with a discharge type, a date and a reason",
    responses=problem_responses(
        404,
        409,
        412,
        422,
        r409={"invalid-transition": INVALID_TRANSITION},
        r422=VALIDATION_ERROR
        | {
            "before-start": field_problem(
                "discharged_on",
                "before_start",
                "The discharge date 2026-03-08 is before treatment started on 2026-03-09.",
            )
        },
    ),
)
def discharge_admission(
    admission_id: uuid.UUID,
    body: Discharge,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AdmissionRead:
    admission = admission_flows.discharge(ctx, admission_id, body, expected_version(if_match))
    return with_etag(response, admission)


@router.post(
    "/admissions/{admission_id}/cancel",
    summary="Cancel an admission before treatment starts (pending, referred or approved)",
    responses={**TRANSITION_ERRORS, **PRECONDITION_FAILED},
)
def cancel_admission(
    admission_id: uuid.UUID,
    body: StatusChange,
    ctx: Writer,
    response: Response,
    if_match: IfMatch = None,
) -> AdmissionRead:
    admission = admission_flows.cancel(ctx, admission_id, body.reason, expected_version(if_match))
    return with_etag(response, admission)


@router.post(
    "/admissions/{admission_id}/assessments",
    status_code=status.HTTP_201_CREATED,
    summary="Re-assess; kept as history, it may recommend another level or bring a referral back",
    responses=problem_responses(
        404,
        409,
        412,
        422,
        r409={"invalid-transition": INVALID_TRANSITION, "admission-exists": ADMISSION_EXISTS},
        r422=VALIDATION_ERROR | {"contradicts-patient-record": CONTRADICTS_RECORD},
    ),
)
def reassess_admission(
    admission_id: uuid.UUID,
    body: Reassessment,
    ctx: Writer,
    if_match: IfMatch = None,
) -> AssessmentRead:
    return service.reassess(ctx, admission_id, body, expected_version(if_match))


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


Payer = Annotated[Context, context_with(Permission.authorizations_record)]
NOTHING_TO_EXTEND = {
    "value": problem_example(
        409, "no-authorization-to-extend", "No approved authorization to review",
        "A concurrent review extends an approved prior authorization; record the initial"
        " decision first.",
    )
}  # fmt: skip


@router.post(
    "/admissions/{admission_id}/authorizations",
    status_code=status.HTTP_201_CREATED,
    summary="Record a prior-authorization decision or concurrent review (payer keys)",
    description="A payer key reaches the admissions of patients it has a verification request"
    " for (not cancelled); any other admission answers 404. An approved concurrent review"
    " extends the authorization in force: `authorized_days` is the total after the review.",
    responses={
        201: {
            "content": {
                "application/json": {
                    "examples": {
                        "extended": {
                            "summary": "A concurrent review, now the authorization in force",
                            "value": examples.AUTHORIZATION_READ,
                        }
                    }
                }
            }
        },
        **problem_responses(404, 409, r409={"no-authorization-to-extend": NOTHING_TO_EXTEND}),
    },
)
def create_authorization(
    admission_id: uuid.UUID,
    body: Annotated[AuthorizationCreate, Body(openapi_examples=examples.authorization_examples())],
    ctx: Payer,
) -> AuthorizationRead:
    return authorization_flows.record_authorization(ctx, admission_id, body)


@router.get(
    "/admissions/{admission_id}/authorizations",
    summary="The payer's prior-authorization decisions on an admission, oldest first",
    responses=NOT_FOUND,
)
def list_admission_authorizations(admission_id: uuid.UUID, ctx: Reader) -> list[AuthorizationRead]:
    return authorizations.list_for_admission(ctx, admission_id)
