import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Response, status

from app.context import Context, context_with
from app.errors import DomainError
from app.estimates import examples, good_faith, service
from app.estimates.documents import good_faith_html, good_faith_pdf
from app.estimates.schemas import (
    CostEstimateRead,
    CostEstimateRequest,
    GoodFaithEstimateCreate,
    GoodFaithEstimateRead,
)
from app.openapi import problem_example, problem_responses
from app.security import Permission

router = APIRouter(tags=["estimates"])

Reader = Annotated[Context, context_with(Permission.estimates_read)]
Writer = Annotated[Context, context_with(Permission.estimates_write)]
JSON, HTML, PDF = "application/json", "text/html", "application/pdf"


class NotAcceptable(DomainError):
    status, slug, title = 406, "not-acceptable", "None of the accepted formats is available"


NOT_ACCEPTABLE: dict[int | str, Any] = {
    406: {
        "description": NotAcceptable.title,
        "content": {"application/problem+json": {"example": problem_example(
            406, "not-acceptable", NotAcceptable.title,
            "This document is available as application/json, text/html or application/pdf.",
        )}},
    }
}  # fmt: skip


@router.post(
    "/cost-estimates",
    summary="Estimate what a patient pays: per treatment day or month, explained (optionally kept)",
    responses={
        200: {"content": {JSON: {"examples": examples.estimate_response_examples()}}},
        **problem_responses(404),
    },
)
def estimate_cost(
    body: Annotated[
        CostEstimateRequest, Body(openapi_examples=examples.estimate_request_examples())
    ],
    ctx: Writer,
) -> CostEstimateRead:
    return service.estimate_cost(ctx, body)


@router.get(
    "/cost-estimates/{estimate_id}",
    summary="Read a saved estimate: the answer given, its inputs and its date",
    responses={
        200: {"content": {JSON: {"examples": examples.saved_estimate_examples()}}},
        **problem_responses(404),
    },
)
def get_cost_estimate(estimate_id: uuid.UUID, ctx: Reader) -> CostEstimateRead:
    return service.read_cost_estimate(ctx, estimate_id)


@router.post(
    "/good-faith-estimates",
    status_code=status.HTTP_201_CREATED,
    summary="Issue a Good Faith Estimate to an uninsured or self-pay patient",
    responses={
        201: {"content": {JSON: {"examples": examples.good_faith_response_examples()}}},
        **problem_responses(404),
    },
)
def issue_good_faith_estimate(
    body: Annotated[
        GoodFaithEstimateCreate, Body(openapi_examples=examples.good_faith_request_examples())
    ],
    ctx: Writer,
) -> GoodFaithEstimateRead:
    return good_faith.issue_good_faith_estimate(ctx, body)


@router.get(
    "/good-faith-estimates/{estimate_id}",
    summary="Read a Good Faith Estimate as JSON, or as an HTML or PDF document by `Accept`",
    response_model=GoodFaithEstimateRead,
    responses={
        200: {
            "content": {
                JSON: {"examples": examples.good_faith_response_examples()},
                HTML: {"schema": {"type": "string"}},
                PDF: {"schema": {"type": "string", "format": "binary"}},
            }
        },
        **problem_responses(404),
        **NOT_ACCEPTABLE,
    },
)
def get_good_faith_estimate(
    estimate_id: uuid.UUID,
    ctx: Reader,
    accept: Annotated[str | None, Header(examples=[PDF])] = None,
) -> Response:
    media_type = negotiate(accept)
    gfe = good_faith.read_good_faith_estimate(ctx, estimate_id)
    if media_type == HTML:
        return Response(good_faith_html(gfe), media_type="text/html; charset=utf-8")
    if media_type == PDF:
        disposition = f'inline; filename="good-faith-estimate-{gfe.id}.pdf"'
        headers = {"Content-Disposition": disposition}
        return Response(good_faith_pdf(gfe), media_type=PDF, headers=headers)
    return Response(gfe.model_dump_json(), media_type=JSON)


def negotiate(accept: str | None) -> str:
    """The format to answer: the client's most preferred of JSON, HTML and PDF."""
    if not accept:
        return JSON
    offered = (JSON, HTML, PDF)
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate(accept.split(",")):
        media, *params = (part.strip().lower() for part in entry.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, media))
    for _quality, _position, media in sorted(ranked):
        if media in offered:
            return media
        if media in ("*/*", "application/*"):
            return JSON
        if media == "text/*":
            return HTML
    raise NotAcceptable(
        "This document is available as application/json, text/html or application/pdf."
    )
