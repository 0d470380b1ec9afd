"""Delivering domain events to webhook subscribers, at least once and never lost.

The domain events are the outbox: written with the change they describe. A worker (`iop
worker`, as many as wanted against PostgreSQL; one in the server's process on SQLite) repeats:

1. fan out: each new event becomes one pending delivery per subscription that wants it;
2. claim: due deliveries are leased (`FOR UPDATE SKIP LOCKED`, then their next attempt moves a
   lease ahead), so two workers never send the same one at once;
3. send, outside any transaction, signed, with no redirects, a short timeout and a size cap;
4. record: delivered, or retried later with exponential backoff and jitter until the
   subscription's retry window closes; then the delivery fails and the subscription is failing.

A worker killed between 2 and 4 loses nothing: the lease (`webhook_lease_seconds`, longer
than a send may take) runs out and another worker sends again, with the same `webhook-id`,
which receivers use to drop duplicates; `tests/integration/test_webhook_worker_killed.py`
kills a real worker to show it.
"""

import json
import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import utcnow
from app.events.models import DomainEventRecord
from app.webhooks import catalog, signing
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.webhooks.urls import Destination, UnsafeUrl, check_destination

log = structlog.get_logger("iop.webhooks")

BATCH = 100
FIRST_RETRY = timedelta(seconds=10)
LONGEST_RETRY = timedelta(hours=1)


@dataclass(frozen=True)
class Claim:
    delivery_id: uuid.UUID
    organization_id: uuid.UUID
    subscription_id: uuid.UUID
    url: str
    sealed_secret: str
    message_id: str
    body: str
    attempt: int


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def fan_out(session: Session, now: datetime, retry_for: timedelta) -> int:
    """Turn undispatched events into deliveries; returns how many events were dispatched."""
    events = list(
        session.scalars(
            select(DomainEventRecord)
            .where(DomainEventRecord.dispatched_at.is_(None))
            .order_by(DomainEventRecord.occurred_at, DomainEventRecord.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    if not events:
        return 0
    organizations = {event.organization_id for event in events}
    subscriptions: dict[uuid.UUID, list[WebhookSubscription]] = defaultdict(list)
    for subscription in session.scalars(
        select(WebhookSubscription).where(WebhookSubscription.organization_id.in_(organizations))
    ):
        subscriptions[subscription.organization_id].append(subscription)
    for event in events:
        event.dispatched_at = now
        public = catalog.public_type(event.type)
        if public is None:
            continue
        body = catalog.payload(
            str(event.id),
            event.type,
            event.occurred_at.isoformat().replace("+00:00", "Z"),
            event.subject,
            str(event.patient_id) if event.patient_id else None,
        )
        session.add_all(
            WebhookDelivery(
                organization_id=event.organization_id,
                subscription_id=subscription.id,
                event_id=event.id,
                event_type=public.value,
                payload=body,
                status="pending",
                next_attempt_at=now,
                give_up_at=now + retry_for,
            )
            for subscription in subscriptions[event.organization_id]
            if public.value in subscription.event_types
        )
    session.flush()
    return len(events)


def claim(session: Session, now: datetime, lease: timedelta, limit: int = 10) -> list[Claim]:
    """Lease the deliveries that are due, of subscriptions that are not paused, until `lease`
    from now: a worker that dies holding them lets them go then."""
    rows = session.execute(
        select(WebhookDelivery, WebhookSubscription)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            WebhookSubscription.status != "paused",
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    ).all()
    claims = []
    for delivery, subscription in rows:
        delivery.next_attempt_at = now + lease
        delivery.attempts += 1
        claims.append(
            Claim(
                delivery_id=delivery.id,
                organization_id=delivery.organization_id,
                subscription_id=subscription.id,
                url=subscription.url,
                sealed_secret=subscription.secret_encrypted,
                message_id=str(delivery.event_id),
                body=json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True),
                attempt=delivery.attempts,
            )
        )
    session.flush()
    return claims


def send(claim: Claim, settings: Settings, sent_at: datetime) -> Outcome:
    secret = signing.unseal(claim.sealed_secret, settings.key_secret.get_secret_value())
    headers = signing.signed_headers(secret, claim.message_id, sent_at, claim.body)
    started = time.perf_counter()
    status_code, error = None, None
    try:
        destination = check_destination(claim.url, settings.webhook_allow_http_hosts)
        status_code = post(destination, claim.body, headers, settings)
        if not 200 <= status_code < 300:
            error = f"answered {status_code}"
    except UnsafeUrl as refused:
        error = str(refused)
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: could not deliver"
    duration_ms = int((time.perf_counter() - started) * 1000)
    return Outcome(status_code, error, duration_ms)


def post(destination: Destination, body: str, headers: dict[str, str], settings: Settings) -> int:
    """The answer of the first of the destination's addresses that takes the connection, as
    a client tries a name's addresses in turn. Connecting to all of them shares one timeout,
    so an attempt takes no longer than with one address (the lease counts on it)."""
    seconds = settings.webhook_timeout_seconds
    connect_by = time.monotonic() + seconds

    def post_to(http: httpx.Client, url: str) -> int:
        connect = max(connect_by - time.monotonic(), 0.001)
        with http.stream(
            "POST", url, content=body, headers=headers | destination.headers,
            extensions=destination.extensions, timeout=httpx.Timeout(seconds, connect=connect),
        ) as response:  # fmt: skip
            _read_at_most(response, settings.webhook_max_response_bytes)
            return response.status_code

    with httpx.Client(follow_redirects=False) as http:
        *others, last = destination.urls
        for url in others:
            try:
                return post_to(http, url)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                continue  # the next address
        return post_to(http, last)


def record(session: Session, claim: Claim, outcome: Outcome, now: datetime) -> None:
    delivery = session.get_one(WebhookDelivery, claim.delivery_id, with_for_update=True)
    session.add(
        WebhookAttempt(
            organization_id=claim.organization_id,
            delivery_id=delivery.id,
            attempted_at=now,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
    )
    if outcome.delivered:
        delivery.status, delivery.delivered_at = "delivered", now
    else:
        retry_at = now + backoff(claim.attempt)
        if retry_at > delivery.give_up_at:
            delivery.status = "failed"
            _mark_failing(session, claim.subscription_id, now)
        delivery.next_attempt_at = min(retry_at, delivery.give_up_at)
    session.flush()


def backoff(attempt: int) -> timedelta:
    """Exponential, capped, with full jitter so retries of many deliveries spread out."""
    doublings = min(max(attempt - 1, 0), 20)  # 10 s × 2^20 is far past the longest wait
    ceiling = min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)
    jitter: float = random.uniform(0.5, 1.0)  # noqa: S311 - spreading retries, not secrets
    return ceiling * jitter


def run_once(
    sessions: sessionmaker[Session],
    settings: Settings,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """One round of fan-out, claim, send and record; returns how many deliveries were tried."""
    retry_for = settings.webhook_retry_window
    with sessions.begin() as session:
        fan_out(session, clock(), retry_for)
    with sessions.begin() as session:
        claims = claim(session, clock(), settings.webhook_lease)
    for leased in claims:
        outcome = send(leased, settings, utcnow())
        with sessions.begin() as session:
            record(session, leased, outcome, clock())
        if not outcome.delivered:
            log.info("webhook_not_delivered", delivery_id=str(leased.delivery_id))
    return len(claims)


def run_forever(sessions: sessionmaker[Session], settings: Settings, stop: threading.Event) -> None:
    """Deliver until `stop` is set; a failed round is logged and the next one tries again."""
    while not stop.is_set():
        try:
            busy = run_once(sessions, settings)
        except Exception as error:
            log.warning("webhook_round_failed", error=type(error).__name__)
            busy = 0
        if not busy:
            stop.wait(settings.webhook_poll_seconds)


def start_in_process(sessions: sessionmaker[Session], settings: Settings) -> threading.Event:
    """The embedded default's worker: a thread of the server process. Returns its stop flag."""
    stop = threading.Event()
    threading.Thread(
        target=run_forever, args=(sessions, settings, stop), name="webhooks", daemon=True
    ).start()
    return stop


def _mark_failing(session: Session, subscription_id: uuid.UUID, now: datetime) -> None:
    subscription = session.get_one(WebhookSubscription, subscription_id, with_for_update=True)
    if subscription.status == "active":
        subscription.status, subscription.failing_since = "failing", now


def _read_at_most(response: httpx.Response, limit: int) -> None:
    """Read (and drop) the answer, but never more than `limit` bytes of it."""
    seen = 0
    for chunk in response.iter_bytes():
        seen += len(chunk)
        if seen >= limit:
            break
