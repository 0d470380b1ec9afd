"""Liveness, readiness and metrics for orchestrators and monitoring."""

import os
from typing import Literal

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from pydantic import Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import DomainError
from app.migrations import is_at_head
from app.schemas import Schema

router = APIRouter(tags=["operations"])


class Health(Schema):
    status: str = Field(examples=["ok"])


class Readiness(Schema):
    status: Literal["ready", "degraded"] = Field(
        description="`degraded`: serving, but a dependency other than the database is down."
    )
    rate_limits: Literal["shared", "per_process", "degraded"] = Field(
        description="`shared` through Redis; `per_process` as configured; `degraded`: Redis is"
        " configured but unreachable, so each process counts on its own until it is back."
    )


class NotReady(DomainError):
    status, slug, title = 503, "not-ready", "The service is not ready"


@router.get("/healthz", summary="The process is alive")
async def get_health() -> Health:
    # On the event loop: it does no I/O, and an answer from a thread would wait for a free one
    # (a probe must not queue behind requests holding every thread).
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="The database is reachable and its schema is at the latest migration",
    responses={503: {"description": "Database unreachable or migrations pending"}},
)
def get_readiness(request: Request) -> Readiness:
    engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        at_head = is_at_head(engine)
    except SQLAlchemyError as error:
        raise NotReady("The database is unreachable.") from error
    if not at_head:
        raise NotReady("Migrations are pending: run `iop migrate`.")
    limiter = request.app.state.rate_limiter
    if not limiter.is_configured_shared():
        return Readiness(status="ready", rate_limits="per_process")
    if limiter.is_shared():
        return Readiness(status="ready", rate_limits="shared")
    return Readiness(status="degraded", rate_limits="degraded")


@router.get(
    "/metrics",
    summary="Prometheus metrics: request counts and latency by route template and status",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text"}},
)
def get_metrics() -> Response:
    registry = REGISTRY
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        # Several worker processes: add up what each one wrote.
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
