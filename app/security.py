"""API keys, roles and permissions: who is calling, and what that client may do."""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, NoReturn

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select

from app.access.models import ApiKey
from app.db import SessionDep
from app.errors import Forbidden, RateLimited, Unauthorized
from app.ratelimit import RateLimiter

KEY_PREFIX = "iop_"


class Role(StrEnum):
    admin = "admin"
    staff = "staff"
    clinician = "clinician"
    ehr = "ehr"
    payer = "payer"


class Permission(StrEnum):
    audit_read = "audit:read"
    keys_manage = "keys:manage"
    programs_read = "programs:read"
    programs_write = "programs:write"
    patients_read = "patients:read"
    patients_write = "patients:write"
    patients_delete = "patients:delete"
    eligibility_evaluate = "eligibility:evaluate"
    admissions_read = "admissions:read"
    admissions_write = "admissions:write"
    admissions_approve = "admissions:approve"
    groups_read = "groups:read"
    groups_write = "groups:write"
    schedules_read = "schedules:read"
    schedules_write = "schedules:write"
    coverages_read = "coverages:read"
    coverages_write = "coverages:write"
    estimates_read = "estimates:read"
    estimates_write = "estimates:write"
    webhooks_manage = "webhooks:manage"
    verifications_read = "insurance-verifications:read"
    verifications_write = "insurance-verifications:write"
    verifications_answer = "insurance-verifications:answer"


_READ_CLINIC = {
    Permission.programs_read, Permission.patients_read, Permission.admissions_read,
    Permission.groups_read, Permission.schedules_read, Permission.coverages_read,
    Permission.estimates_read, Permission.verifications_read,
}  # fmt: skip
_RUN_CLINIC = _READ_CLINIC | {
    Permission.patients_write, Permission.eligibility_evaluate, Permission.admissions_write,
    Permission.groups_write, Permission.schedules_write, Permission.coverages_write,
    Permission.estimates_write, Permission.verifications_write,
}  # fmt: skip

# Minimum necessary (HIPAA): a payer's verification partner sees no clinical record at all, only
# its own payer's verification requests (`app/verifications`); an EHR integration reads and
# writes patients and reads the schedule; only a clinician approves clinical documentation;
# only an admin manages keys, settings and audit.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission)
    - {Permission.admissions_approve, Permission.verifications_answer},
    Role.staff: frozenset(_RUN_CLINIC),
    Role.clinician: frozenset(_RUN_CLINIC | {Permission.admissions_approve}),
    Role.ehr: frozenset(_READ_CLINIC | {Permission.patients_write}),
    Role.payer: frozenset({Permission.verifications_answer}),
}


@dataclass(frozen=True)
class Principal:
    """The authenticated client of one request."""

    key_id: uuid.UUID | None  # None: the service itself (the daily alert sweep), no key
    organization_id: uuid.UUID
    role: Role
    payer_id: str | None
    staff_id: uuid.UUID | None = None  # a clinician key's staff member

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str, secret: str) -> str:
    return hmac.new(secret.encode(), key.encode(), hashlib.sha256).hexdigest()


_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer iop_…`")


def authenticate(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an API key as `Authorization: Bearer <key>`.")
    now = request.app.state.clock()
    address = client_address(request)
    failures: RateLimiter = request.app.state.failed_auth_limiter
    if failures.is_exhausted(f"failed-auth:{address}", now):
        # Guessing keys from one address stops here, before any lookup: a right guess after
        # the limit would answer 429 too, so the guessing itself gains nothing.
        _refuse_guessing(request, failures, now)
    secret = request.app.state.settings.key_secret.get_secret_value()
    key = session.scalar(
        select(ApiKey).where(ApiKey.key_hash == hash_api_key(credentials.credentials, secret))
    )
    if key is None or key.revoked_at is not None:
        _refuse_key(request, failures, address, now, "The API key is unknown or revoked.")
    if key.expires_at is not None and key.expires_at <= now:
        _refuse_key(request, failures, address, now, "The API key has expired.")
    principal = Principal(key.id, key.organization_id, Role(key.role), key.payer_id, key.staff_id)
    _enforce_rate_limit(request, principal, now)
    request.state.principal = principal
    return principal


def client_address(request: Request) -> str:
    """The address the request came from (behind a proxy, as `--forwarded-allow-ips` trusts)."""
    return request.client.host if request.client is not None else "unknown"


def _refuse_key(
    request: Request, failures: RateLimiter, address: str, now: datetime, reason: str
) -> NoReturn:
    """401 for a key that does not authenticate, counted against the client's address."""
    if not failures.hit(f"failed-auth:{address}", now).allowed:
        _refuse_guessing(request, failures, now)
    raise Unauthorized(reason, key_sent=True)


def _refuse_guessing(request: Request, failures: RateLimiter, now: datetime) -> NoReturn:
    limit = request.app.state.settings.failed_auth_limit
    raise RateLimited(
        f"Too many requests with invalid API keys from this address (at most {limit}).",
        retry_after=failures.retry_after(now),
    )


def _enforce_rate_limit(request: Request, principal: Principal, now: datetime) -> None:
    verdict = request.app.state.rate_limiter.hit(f"api-key:{principal.key_id}", now)
    if not verdict.allowed:
        limit = request.app.state.settings.rate_limit
        raise RateLimited(f"This key may make {limit} requests.", retry_after=verdict.retry_after)


PrincipalDep = Annotated[Principal, Depends(authenticate)]


def require(permission: Permission) -> Any:
    """A dependency that admits only principals whose role grants `permission`."""

    def check(principal: PrincipalDep) -> Principal:
        if not principal.can(permission):
            raise Forbidden(f"The {principal.role} role may not do this ({permission}).")
        return principal

    return Depends(check)
