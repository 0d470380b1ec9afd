"""The application factory: settings, database, middleware, error handlers and routers."""

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.access.router import router as access_router
from app.admissions.router import eligibility_router
from app.admissions.router import router as admissions_router
from app.assignments.router import router as assignments_router
from app.attendance.router import alerts_router, drug_screens_router
from app.attendance.router import router as attendance_router
from app.audit.router import router as audit_router
from app.case_management.router import router as case_management_router
from app.config import Settings, get_settings
from app.coverages.router import router as coverages_router
from app.db import create_db_engine, create_sessionmaker, utcnow
from app.errors import install_error_handlers
from app.estimates.router import router as estimates_router
from app.fhir.router import router as fhir_router
from app.groups.router import router as groups_router
from app.idempotency.middleware import install_idempotency
from app.inquiries.router import router as inquiries_router
from app.logging import configure_logging
from app.middleware import FrontDoor
from app.openapi import API_ERRORS, install_openapi, operation_id
from app.ops.router import router as ops_router
from app.patients.router import router as patients_router
from app.programs.router import rooms_router, staff_router
from app.programs.router import router as programs_router
from app.ratelimit import Rate, RateLimiter
from app.routing import index_routes
from app.scheduling.router import appointments_router, plans_router
from app.security import KeyCache
from app.verifications.router import router as verifications_router
from app.webhooks.router import router as webhooks_router
from app.webhooks.worker import start_in_process

DESCRIPTION = """
The open API that runs an addiction **Intensive Outpatient Program**: patients and their
admission eligibility, programs and treatment plans, therapy groups, and the audit trail.

Authenticate with an API key: `Authorization: Bearer iop_…`. Every error of `/v1` is an RFC
9457 `application/problem+json` document whose `type` is stable. EHRs may also speak FHIR R4 at
`/fhir/R4` (see `GET /fhir/R4/metadata`), whose errors are FHIR OperationOutcomes.
"""

TAGS = [
    {"name": "access", "description": "API keys and the calling client."},
    {"name": "patients", "description": "Patients, their identifiers and Part 2 consents."},
    {"name": "coverages", "description": "Patients' insurance coverages and their benefits."},
    {"name": "eligibility", "description": "Stateless admission decisions (ASAM crosswalk)."},
    {"name": "admissions", "description": "Admissions, their lifecycle and re-assessments."},
    {"name": "programs", "description": "Day and evening tracks and their versioned settings."},
    {"name": "staff", "description": "Clinicians and counselors, and what they may lead."},
    {"name": "rooms", "description": "Rooms and their capacity."},
    {"name": "groups", "description": "Therapy groups, their members, waitlists and sizing."},
    {"name": "treatment-plans", "description": "Weekly treatment plans, checked and booked."},
    {"name": "appointments", "description": "Dated sessions, day sheets and calendar feeds."},
    {"name": "estimates", "description": "Cost estimates and Good Faith Estimates."},
    {"name": "attendance", "description": "Attendance per session, group meeting or EHR batch."},
    {"name": "alerts", "description": "The clinic's worklist: compliance and authorization."},
    {"name": "drug-screens", "description": "Drug screens during treatment and their policy."},
    {"name": "assignments", "description": "Home assignments: exercises, readings, videos."},
    {"name": "case-management", "description": "Case managers' tasks: insurance, legal, …"},
    {"name": "audit", "description": "The append-only record of patient data access."},
    {"name": "webhooks", "description": "Signed notifications of changes, retried until received."},
    {
        "name": "fhir",
        "description": "FHIR R4 at `/fhir/R4` for EHRs: Patient (read, search, create, update by"
        " identifier), EpisodeOfCare, Appointment, Encounter, Group and Coverage (read, search)."
        " Answers"
        " `application/fhir+json`; errors are OperationOutcomes.",
    },
    {"name": "operations", "description": "Health, readiness and metrics."},
]

DOMAIN_ROUTERS: list[APIRouter] = [
    access_router,
    patients_router,
    coverages_router,
    eligibility_router,
    admissions_router,
    programs_router,
    staff_router,
    rooms_router,
    groups_router,
    plans_router,
    appointments_router,
    estimates_router,
    verifications_router,
    inquiries_router,
    attendance_router,
    alerts_router,
    drug_screens_router,
    assignments_router,
    case_management_router,
    audit_router,
    webhooks_router,
]

# Swagger UI and ReDoc come from the `fastapi-offline` package and are served from here, not
# from a CDN, so the documentation pages work where the service has no internet access.
DOCS_ASSETS = "/docs/assets"
SWAGGER_OAUTH2_REDIRECT = "/docs/oauth2-redirect"


def create_app(settings: Settings | None = None, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    settings = settings or get_settings()
    settings.require_production_secret()
    configure_logging(settings.log_level)

    app = FastAPI(
        title="IOP API",
        version="1.0.0",
        summary="Admissions, scheduling and therapy groups of an Intensive Outpatient Program.",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        # One schema per model for requests and responses: a generated client gets one class
        # for each (two of one title, such as ProgramSettings, would clash).
        separate_input_output_schemas=False,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.engine = create_db_engine(settings)
    app.state.sessionmaker = create_sessionmaker(app.state.engine)
    app.state.key_cache = KeyCache(settings.key_cache_seconds)
    app.state.rate_limiter = RateLimiter(
        Rate.parse(settings.rate_limit), settings.rate_limit_storage_url
    )
    app.state.failed_auth_limiter = RateLimiter(
        Rate.parse(settings.failed_auth_limit), settings.rate_limit_storage_url
    )

    install_error_handlers(app)
    install_openapi(app)
    install_docs(app)
    app.include_router(ops_router)
    # Each domain router on the app itself, not in one `/v1` router: the route index
    # (app.routing) then tries only the routers that hold a request's path.
    for router in DOMAIN_ROUTERS:
        app.include_router(router, prefix="/v1", responses=API_ERRORS)
    app.include_router(fhir_router)
    index_routes(app)

    install_idempotency(app)  # innermost: it sees the body the front door let through
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "Idempotency-Key",
                "X-Request-ID",
            ],
            expose_headers=["ETag", "X-Request-ID", "Retry-After", "Idempotent-Replayed"],
        )
    app.add_middleware(
        FrontDoor,
        max_bytes=settings.max_body_bytes,
        batch_max_bytes=settings.batch_max_body_bytes,
        concurrency=settings.admitted_at_once,
        hsts_seconds=settings.hsts_seconds,
    )
    return app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The embedded default delivers its own webhooks; with PostgreSQL, `iop worker` does."""
    settings: Settings = app.state.settings
    in_process = settings.webhook_worker == "in_process" or (
        settings.webhook_worker == "auto" and settings.is_sqlite
    )
    stop = start_in_process(app.state.sessionmaker, settings) if in_process else None
    # Python's full collection walks every tracked object, and most of them are the app
    # itself (routes, models, schemas), built once and never freed: ~100 ms with the request
    # that happens to trigger it waiting. Frozen, they are left out of every collection.
    gc.freeze()
    yield
    gc.unfreeze()
    if stop is not None:
        stop.set()


def install_docs(app: FastAPI) -> None:
    """Swagger UI at `/docs` and ReDoc at `/redoc`, with their scripts and styles served by the
    service itself. Like FastAPI's own pages, they stay out of the OpenAPI document."""
    app.mount(
        DOCS_ASSETS, StaticFiles(packages=[("fastapi_offline", "static")]), name="docs-assets"
    )
    openapi_url = app.openapi_url or "/openapi.json"

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            oauth2_redirect_url=root + SWAGGER_OAUTH2_REDIRECT,
        )

    async def swagger_ui_oauth2_redirect(request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )

    app.add_route("/docs", swagger_ui, include_in_schema=False)
    app.add_route(SWAGGER_OAUTH2_REDIRECT, swagger_ui_oauth2_redirect, include_in_schema=False)
    app.add_route("/redoc", redoc, include_in_schema=False)
