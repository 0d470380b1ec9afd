"""Liveness, readiness and metrics for orchestrators and monitoring."""

import os

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import DomainError
from app.migrations import is_at_head
from app.schemas import Schema

router = APIRouter(tags=["operations"])


class Health(Schema):
    status: str


class NotReady(DomainError):
    status, slug, title = 503, "not-ready", "The service is not ready"


@router.get("/healthz", summary="The process is alive")
def get_health() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="The database is reachable and its schema is at the latest migration",
    responses={503: {"description": "Database unreachable or migrations pending"}},
)
def get_readiness(request: Request) -> Health:
    engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        at_head = is_at_head(engine)
    except SQLAlchemyError as error:
        raise NotReady("The database is unreachable.") from error
    if not at_head:
        raise NotReady("Migrations are pending: run `iop migrate`.")
    return Health(status="ready")


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
