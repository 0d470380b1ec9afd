import uuid
from typing import Annotated

from fastapi import APIRouter, Body, status

from app.context import Context, context_with
from app.flows import inquiries as inquiry_flows
from app.inquiries import examples, service
from app.inquiries.schemas import (
    InquiryAssignment,
    InquiryClosure,
    InquiryConversion,
    InquiryConverted,
    InquiryStatus,
    InsuranceInquiryAccepted,
    InsuranceInquiryCreate,
    InsuranceInquiryRead,
)
from app.openapi import problem_responses
from app.pagination import PageDep, page_body
from app.schemas import Page
from app.security import Permission

router = APIRouter(tags=["insurance-inquiries"])

Website = Annotated[Context, context_with(Permission.inquiries_submit)]
Reader = Annotated[Context, context_with(Permission.inquiries_read)]
Writer = Annotated[Context, context_with(Permission.inquiries_write)]
INQUIRY = "/insurance-inquiries/{inquiry_id}"


@router.post(
    "/insurance-inquiries",
    status_code=status.HTTP_202_ACCEPTED,
    summary='Submit a website "check your insurance" inquiry (intake keys)',
    description="The answer says only that the inquiry was received: an intake key reads"
    " nothing back, not even its own inquiries. Staff follow it up.",
    responses={
        202: {
            "content": {
                "application/json": {
                    "examples": {"received": {"summary": "Received", "value": examples.ACCEPTED}}
                }
            }
        }
    },
)
def create_insurance_inquiry(
    body: Annotated[
        InsuranceInquiryCreate,
        Body(openapi_examples={"website": {"summary": "The form", "value": examples.INQUIRY}}),
    ],
    ctx: Website,
) -> InsuranceInquiryAccepted:
    return service.submit(ctx, body)


@router.get("/insurance-inquiries", summary="The website's insurance inquiries, oldest first")
def list_insurance_inquiries(
    ctx: Reader, page: PageDep, status: InquiryStatus | None = None
) -> Page[InsuranceInquiryRead]:
    items, total = service.list_inquiries(ctx, page, status)
    return Page[InsuranceInquiryRead].model_validate(page_body(items, total, page))


@router.get(INQUIRY, summary="Read an insurance inquiry", responses=problem_responses(404))
def get_insurance_inquiry(inquiry_id: uuid.UUID, ctx: Reader) -> InsuranceInquiryRead:
    return service.read_inquiry(ctx, inquiry_id)


@router.post(
    f"{INQUIRY}/assign",
    summary="Assign an inquiry to the staff member who follows it up",
    responses=problem_responses(404, 409),
)
def assign_insurance_inquiry(
    inquiry_id: uuid.UUID, body: InquiryAssignment, ctx: Writer
) -> InsuranceInquiryRead:
    return service.assign(ctx, inquiry_id, body)


@router.post(
    f"{INQUIRY}/convert",
    status_code=status.HTTP_201_CREATED,
    summary="Convert an inquiry to a patient with a coverage and a verification request",
    description="One transaction: the patient, the coverage of the payer the person named and"
    " the verification request to that payer are all made, or none is.",
    responses=problem_responses(404, 409),
)
def convert_insurance_inquiry(
    inquiry_id: uuid.UUID,
    body: Annotated[
        InquiryConversion,
        Body(
            openapi_examples={
                "commercial": {"summary": "A commercial plan", "value": examples.CONVERSION}
            }
        ),
    ],
    ctx: Writer,
) -> InquiryConverted:
    return inquiry_flows.convert(ctx, inquiry_id, body)


@router.post(
    f"{INQUIRY}/close",
    summary="Close an inquiry that will not become a patient",
    description="Final: a closed inquiry can no longer be assigned or converted. It stays"
    " readable, with its reason, until the retention period deletes it.",
    responses=problem_responses(404, 409),
)
def close_insurance_inquiry(
    inquiry_id: uuid.UUID,
    body: Annotated[
        InquiryClosure,
        Body(openapi_examples={"unreachable": {"summary": "No answer", "value": examples.CLOSURE}}),
    ],
    ctx: Writer,
) -> InsuranceInquiryRead:
    return service.close(ctx, inquiry_id, body)
