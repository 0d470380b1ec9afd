"""Webhook subscriptions (admins) and their deliveries: what was sent, and sending it again."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from app.config import Settings
from app.context import Context
from app.errors import FieldError, InvalidTransition, Unprocessable
from app.pagination import PageParams, fetch_page
from app.versioning import Precondition, check_version
from app.webhooks import signing
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.webhooks.schemas import (
    AttemptRead,
    DeliveryRead,
    SubscriptionCreate,
    SubscriptionRead,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)
from app.webhooks.urls import UnsafeUrl, check_url


def create_subscription(
    ctx: Context, body: SubscriptionCreate, settings: Settings
) -> SubscriptionWithSecret:
    _check_url(body.url, settings)
    secret = signing.new_secret()
    subscription = WebhookSubscription(
        organization_id=ctx.organization_id,
        url=body.url,
        event_types=sorted({event_type.value for event_type in body.event_types}),
        description=body.description,
        secret_encrypted=signing.seal(secret, settings.key_secret.get_secret_value()),
        status="active",
    )
    ctx.session.add(subscription)
    ctx.session.flush()
    return SubscriptionWithSecret.from_record(subscription, secret=secret)


def list_subscriptions(ctx: Context, params: PageParams) -> tuple[list[SubscriptionRead], int]:
    statement = ctx.select_rows(WebhookSubscription).order_by(
        WebhookSubscription.created_at, WebhookSubscription.id
    )
    subscriptions, total = fetch_page(ctx.session, statement, params)
    return [SubscriptionRead.from_record(s) for s in subscriptions], total


def read_subscription(ctx: Context, subscription_id: uuid.UUID) -> SubscriptionRead:
    return SubscriptionRead.model_validate(ctx.get(WebhookSubscription, subscription_id))


def update_subscription(
    ctx: Context,
    subscription_id: uuid.UUID,
    body: SubscriptionUpdate,
    expected_version: Precondition | None,
    settings: Settings,
) -> SubscriptionRead:
    subscription = ctx.get(WebhookSubscription, subscription_id, for_update=True)
    check_version(subscription.version, expected_version)
    if body.url is not None:
        _check_url(body.url, settings)
        subscription.url = body.url
    if body.event_types is not None:
        subscription.event_types = sorted({t.value for t in body.event_types})
    if "description" in body.model_fields_set:
        subscription.description = body.description
    ctx.session.flush()
    return SubscriptionRead.model_validate(subscription)


def pause(ctx: Context, subscription_id: uuid.UUID) -> SubscriptionRead:
    """Deliveries wait (nothing is lost) until the subscription is resumed."""
    subscription = ctx.get(WebhookSubscription, subscription_id, for_update=True)
    subscription.status = "paused"
    ctx.session.flush()
    return SubscriptionRead.model_validate(subscription)


def resume(ctx: Context, subscription_id: uuid.UUID) -> SubscriptionRead:
    subscription = ctx.get(WebhookSubscription, subscription_id, for_update=True)
    subscription.status, subscription.failing_since = "active", None
    ctx.session.flush()
    return SubscriptionRead.model_validate(subscription)


def rotate_secret(
    ctx: Context, subscription_id: uuid.UUID, settings: Settings
) -> SubscriptionWithSecret:
    """A new secret signs every delivery from now on; the old one stops working at once."""
    subscription = ctx.get(WebhookSubscription, subscription_id, for_update=True)
    secret = signing.new_secret()
    subscription.secret_encrypted = signing.seal(secret, settings.key_secret.get_secret_value())
    ctx.session.flush()
    return SubscriptionWithSecret.from_record(subscription, secret=secret)


def delete_subscription(
    ctx: Context, subscription_id: uuid.UUID, expected_version: Precondition | None
) -> None:
    subscription = ctx.get(WebhookSubscription, subscription_id, for_update=True)
    check_version(subscription.version, expected_version)
    ctx.session.delete(subscription)
    ctx.session.flush()


def list_deliveries(
    ctx: Context, subscription_id: uuid.UUID, status: str | None, params: PageParams
) -> tuple[list[DeliveryRead], int]:
    subscription = ctx.get(WebhookSubscription, subscription_id)
    statement = ctx.select(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription.id
    )
    if status is not None:
        statement = statement.where(WebhookDelivery.status == status)
    statement = statement.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    deliveries, total = fetch_page(ctx.session, statement, params)
    logs = _attempt_logs(ctx, [delivery.id for delivery in deliveries])
    return [DeliveryRead.from_record(d, attempt_log=logs[d.id]) for d in deliveries], total


def read_delivery(ctx: Context, delivery_id: uuid.UUID) -> DeliveryRead:
    return _delivery_read(ctx, ctx.get(WebhookDelivery, delivery_id))


def redeliver(ctx: Context, delivery_id: uuid.UUID, retry_for: timedelta) -> DeliveryRead:
    """Send the event again, with the same `webhook-id` so a receiver can tell. A new round
    of retries: its backoff starts from the first wait, not the last round's longest."""
    delivery = ctx.get(WebhookDelivery, delivery_id, for_update=True)
    if delivery.status == "pending":
        raise InvalidTransition(
            "The delivery is still pending; it will be sent.", current_state="pending"
        )
    delivery.status, delivery.delivered_at, delivery.attempts = "pending", None, 0
    delivery.next_attempt_at, delivery.give_up_at = ctx.now, ctx.now + retry_for
    ctx.session.flush()
    return _delivery_read(ctx, delivery)


def _delivery_read(ctx: Context, delivery: WebhookDelivery) -> DeliveryRead:
    log = _attempt_logs(ctx, [delivery.id])[delivery.id]
    return DeliveryRead.from_record(delivery, attempt_log=log)


def _attempt_logs(
    ctx: Context, delivery_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[AttemptRead]]:
    """Each delivery's attempts in the order they were made, in one query for a page."""
    logs: dict[uuid.UUID, list[AttemptRead]] = {delivery_id: [] for delivery_id in delivery_ids}
    attempts = ctx.session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(delivery_ids))
        .order_by(WebhookAttempt.attempted_at, WebhookAttempt.id)
    )
    for attempt in attempts:
        logs[attempt.delivery_id].append(AttemptRead.model_validate(attempt))
    return logs


def _check_url(url: str, settings: Settings) -> None:
    try:
        check_url(url, settings.webhook_allow_http_hosts)
    except UnsafeUrl as error:
        raise Unprocessable(
            str(error), errors=[FieldError(field="url", code="unsafe_url", message=str(error))]
        ) from error
