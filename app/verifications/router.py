import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response, status
from pydantic import ValidationError

from app.context import Context, context_with
from app.errors import DomainError, MalformedJson, Unprocessable, field_errors
from app.flows import verifications as flow
from app.openapi import problem_responses
from app.pagination import PageDep, page_body
from app.schemas import Page
from app.security import Permission
from app.verifications import examples, service
from app.verifications.examples import RESULT_JSON, RESULT_X12
from app.verifications.schemas import (
    PartnerVerificationRead,
    VerificationCreate,
    VerificationRead,
    VerificationResult,
    VerificationStatus,
)

router = APIRouter(tags=["insurance-verifications"])

Reader = Annotated[Context, context_with(Permission.verifications_read)]
Writer = Annotated[Context, context_with(Permission.verifications_write)]
Partner = Annotated[Context, context_with(Permission.verifications_answer)]
VERIFICATION = "/insurance-verifications/{verification_id}"
X12_MEDIA_TYPE = "application/edi-x12"
JSON = "application/json"


def _example(summary: str, value: Any) -> dict[str, Any]:
    return {"summary": summary, "value": value}


TRANSITION_ERRORS = problem_responses(404, 409)


@router.post(
    "/insurance-verifications",
    status_code=status.HTTP_201_CREATED,
    summary="Ask the coverage's payer to verify its benefits (staff)",
    responses={
        201: {
            "content": {
                JSON: {
                    "examples": {
                        "pending": _example(
                            "A request the payer's partner now lists", examples.STAFF_READ
                        )
                    }
                }
            }
        },
        **problem_responses(404),
    },
)
def create_verification(
    body: Annotated[
        VerificationCreate,
        Body(openapi_examples={"iop": _example("Mental health and SUD, IOP", examples.CREATE)}),
    ],
    ctx: Writer,
) -> VerificationRead:
    return service.create_verification(ctx, body)


@router.get(
    "/patients/{patient_id}/insurance-verifications",
    summary="A patient's verification requests, newest first (staff)",
    responses=problem_responses(404),
)
def list_patient_verifications(patient_id: uuid.UUID, ctx: Reader) -> list[VerificationRead]:
    return service.list_for_patient(ctx, patient_id)


@router.post(
    f"{VERIFICATION}/cancel", summary="Cancel a verification request (staff)",
    responses=TRANSITION_ERRORS,
)  # fmt: skip
def cancel_verification(verification_id: uuid.UUID, ctx: Writer) -> VerificationRead:
    return service.cancel(ctx, verification_id)


@router.get(
    "/insurance-verifications",
    summary="The verification requests of the calling payer (payer keys)",
    responses={
        200: {
            "content": {
                JSON: {
                    "examples": {
                        "pending": _example(
                            "One pending request: the member and what is asked, nothing clinical",
                            examples.PARTNER_PAGE,
                        )
                    }
                }
            }
        },
    },
)
def list_verifications(
    ctx: Partner, page: PageDep, status: VerificationStatus | None = None
) -> Page[PartnerVerificationRead]:
    items, total = service.partner_list(ctx, page, status)
    return Page[PartnerVerificationRead].model_validate(page_body(items, total, page))


@router.get(VERIFICATION, summary="Read a verification request (payer keys)",
            responses=problem_responses(404))  # fmt: skip
def get_verification(verification_id: uuid.UUID, ctx: Partner) -> PartnerVerificationRead:
    return service.partner_read_one(ctx, verification_id)


@router.post(f"{VERIFICATION}/start", summary="Start working on a request (payer keys)",
             responses=TRANSITION_ERRORS)  # fmt: skip
def start_verification(verification_id: uuid.UUID, ctx: Partner) -> PartnerVerificationRead:
    return service.start(ctx, verification_id)


@router.get(
    f"{VERIFICATION}/x12-270",
    summary="The request as an X12 005010X279A1 270 eligibility inquiry (payer keys)",
    response_class=Response,
    responses={
        200: {
            "content": {
                X12_MEDIA_TYPE: {
                    "schema": {"type": "string"},
                    "examples": {
                        "270": _example(
                            "Interchange control number 41, with the member and the service types",
                            examples.INQUIRY_270,
                        )
                    },
                }
            }
        },
        **TRANSITION_ERRORS,
    },
)
def get_x12_270(verification_id: uuid.UUID, ctx: Partner) -> Response:
    return Response(service.inquiry_270(ctx, verification_id), media_type=X12_MEDIA_TYPE)


class UnsupportedMediaType(DomainError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


async def _raw_body(request: Request) -> tuple[str, bytes]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media_type, await request.body()


def _inline_schema() -> dict[str, Any]:
    """The JSON result's schema; the benefits it refers to are the coverages' components."""
    schema = VerificationResult.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return schema


_RESULT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": _inline_schema(),
                "examples": {"verified": {"value": RESULT_JSON}},
            },
            X12_MEDIA_TYPE: {
                "schema": {"type": "string", "description": "An X12 005010X279A1 271."},
                "examples": {"271": {"value": RESULT_X12}},
            },
        },
    }
}


@router.post(
    f"{VERIFICATION}/result",
    summary="Answer a request with verified benefits, as JSON or an X12 271 (payer keys)",
    responses={
        200: {
            "content": {
                JSON: {
                    "examples": {
                        "completed": _example(
                            "The request closed; the coverage's benefits are now verified",
                            examples.PARTNER_COMPLETED,
                        )
                    }
                }
            }
        },
        **problem_responses(404, 409, 415),
    },
    openapi_extra=_RESULT_BODY,
)
def post_result(
    verification_id: uuid.UUID,
    ctx: Partner,
    body: Annotated[tuple[str, bytes], Depends(_raw_body)],
) -> PartnerVerificationRead:
    media_type, raw = body
    if media_type == X12_MEDIA_TYPE:
        try:
            document = raw.decode("ascii")
        except UnicodeDecodeError:
            raise Unprocessable("An X12 document is ASCII text.") from None
        return flow.answer_with_x12(ctx, verification_id, document)
    if media_type != "application/json":
        raise UnsupportedMediaType(f"Send application/json or {X12_MEDIA_TYPE}.")
    try:
        json.loads(raw)
    except ValueError:
        raise MalformedJson("The request body could not be parsed as JSON.") from None
    try:
        result = VerificationResult.model_validate_json(raw)
    except ValidationError as error:
        raise Unprocessable(
            "Some fields are missing or invalid.", errors=field_errors(error.errors())
        ) from None
    return flow.answer_with_json(ctx, verification_id, result)
