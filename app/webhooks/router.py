import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.context import Context, context_with
from app.openapi import problem_responses
from app.pagination import PageDep, page_body
from app.schemas import Page
from app.security import Permission
from app.versioning import IfMatch, expected_version, with_etag
from app.webhooks import service
from app.webhooks.schemas import (
    DeliveryRead,
    DeliveryStatus,
    SubscriptionCreate,
    SubscriptionRead,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)

router = APIRouter(tags=["webhooks"])

Admin = Annotated[Context, context_with(Permission.webhooks_manage)]
NOT_FOUND = problem_responses(404)
UPDATE_ERRORS = problem_responses(404, 409, 412)
SUBSCRIPTION = "/webhook-subscriptions/{subscription_id}"


@router.post(
    "/webhook-subscriptions",
    status_code=status.HTTP_201_CREATED,
    summary="Subscribe a URL to events; the signing secret is shown once",
)
def create_webhook_subscription(
    body: SubscriptionCreate, ctx: Admin, request: Request, response: Response
) -> SubscriptionWithSecret:
    return with_etag(response, service.create_subscription(ctx, body, request.app.state.settings))


@router.get("/webhook-subscriptions", summary="List webhook subscriptions")
def list_webhook_subscriptions(ctx: Admin, page: PageDep) -> Page[SubscriptionRead]:
    subscriptions, total = service.list_subscriptions(ctx, page)
    return Page[SubscriptionRead].model_validate(page_body(subscriptions, total, page))


@router.get(SUBSCRIPTION, summary="Read a webhook subscription", responses=NOT_FOUND)
def get_webhook_subscription(
    subscription_id: uuid.UUID, ctx: Admin, response: Response
) -> SubscriptionRead:
    return with_etag(response, service.read_subscription(ctx, subscription_id))


@router.patch(
    SUBSCRIPTION, summary="Change a subscription's URL or events", responses=UPDATE_ERRORS
)
def update_webhook_subscription(
    subscription_id: uuid.UUID,
    body: SubscriptionUpdate,
    ctx: Admin,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> SubscriptionRead:
    settings = request.app.state.settings
    subscription = service.update_subscription(
        ctx, subscription_id, body, expected_version(if_match), settings
    )
    return with_etag(response, subscription)


@router.post(
    f"{SUBSCRIPTION}/pause",
    summary="Pause deliveries; events wait until the subscription resumes",
    responses=NOT_FOUND,
)
def pause_webhook_subscription(subscription_id: uuid.UUID, ctx: Admin) -> SubscriptionRead:
    return service.pause(ctx, subscription_id)


@router.post(
    f"{SUBSCRIPTION}/resume",
    summary="Resume deliveries (and clear a failing status)",
    responses=NOT_FOUND,
)
def resume_webhook_subscription(subscription_id: uuid.UUID, ctx: Admin) -> SubscriptionRead:
    return service.resume(ctx, subscription_id)


@router.post(
    f"{SUBSCRIPTION}/rotate-secret",
    summary="Replace the signing secret; the new one is shown once",
    responses=NOT_FOUND,
)
def rotate_webhook_secret(
    subscription_id: uuid.UUID, ctx: Admin, request: Request
) -> SubscriptionWithSecret:
    return service.rotate_secret(ctx, subscription_id, request.app.state.settings)


@router.delete(
    SUBSCRIPTION,
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a subscription and its delivery history",
    responses=UPDATE_ERRORS,
)
def delete_webhook_subscription(
    subscription_id: uuid.UUID, ctx: Admin, if_match: IfMatch = None
) -> None:
    service.delete_subscription(ctx, subscription_id, expected_version(if_match))


@router.get(
    f"{SUBSCRIPTION}/deliveries",
    summary="Deliveries of a subscription, newest first, with every attempt",
    responses=NOT_FOUND,
)
def list_webhook_deliveries(
    subscription_id: uuid.UUID,
    ctx: Admin,
    page: PageDep,
    delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
) -> Page[DeliveryRead]:
    deliveries, total = service.list_deliveries(ctx, subscription_id, delivery_status, page)
    return Page[DeliveryRead].model_validate(page_body(deliveries, total, page))


@router.get(
    "/webhook-deliveries/{delivery_id}",
    summary="A delivery and its attempts",
    responses=NOT_FOUND,
)
def get_webhook_delivery(delivery_id: uuid.UUID, ctx: Admin) -> DeliveryRead:
    return service.read_delivery(ctx, delivery_id)


@router.post(
    "/webhook-deliveries/{delivery_id}/redeliver",
    summary="Send a delivered or failed event again, with the same webhook-id",
    responses=problem_responses(404, 409),
)
def redeliver_webhook(delivery_id: uuid.UUID, ctx: Admin, request: Request) -> DeliveryRead:
    return service.redeliver(ctx, delivery_id, request.app.state.settings.webhook_retry_window)
