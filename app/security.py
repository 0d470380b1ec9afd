"""API keys, roles and permissions: who is calling, and what that client may do."""

import asyncio
import hashlib
import hmac
import secrets
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, NoReturn

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access.models import ApiKey
from app.errors import Forbidden, RateLimited, Unauthorized
from app.ratelimit import RateLimiter

KEY_PREFIX = "iop_"


class Role(StrEnum):
    admin = "admin"
    staff = "staff"
    clinician = "clinician"
    ehr = "ehr"
    payer = "payer"
    intake = "intake"


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
    authorizations_record = "authorizations:record"
    inquiries_submit = "insurance-inquiries:submit"
    inquiries_read = "insurance-inquiries:read"
    inquiries_write = "insurance-inquiries:write"


_READ_CLINIC = {
    Permission.programs_read, Permission.patients_read, Permission.admissions_read,
    Permission.groups_read, Permission.schedules_read, Permission.coverages_read,
    Permission.estimates_read, Permission.verifications_read,
}  # fmt: skip
_RUN_CLINIC = _READ_CLINIC | {
    Permission.patients_write, Permission.eligibility_evaluate, Permission.admissions_write,
    Permission.groups_write, Permission.schedules_write, Permission.coverages_write,
    Permission.estimates_write, Permission.verifications_write, Permission.inquiries_read,
    Permission.inquiries_write,
}  # fmt: skip

# Minimum necessary (HIPAA): a payer's verification partner sees no clinical record at all, only
# its own payer's verification requests (`app/verifications`); an EHR integration reads and
# writes patients and reads the schedule; only a clinician approves clinical documentation;
# only an admin manages keys, settings and audit.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission)
    - {
        Permission.admissions_approve,
        Permission.verifications_answer,
        Permission.authorizations_record,
        Permission.inquiries_submit,
    },
    Role.staff: frozenset(_RUN_CLINIC),
    Role.clinician: frozenset(_RUN_CLINIC | {Permission.admissions_approve}),
    Role.ehr: frozenset(_READ_CLINIC | {Permission.patients_write}),
    Role.payer: frozenset({Permission.verifications_answer, Permission.authorizations_record}),
    # The clinic website's "check your insurance" form: it submits inquiries and reads nothing,
    # not even what it submitted (a leaked website key gives away no one's data).
    Role.intake: frozenset({Permission.inquiries_submit}),
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
    return hmac.digest(secret.encode(), key.encode(), hashlib.sha256).hex()


_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer iop_…`")
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


@dataclass(frozen=True)
class KnownKey:
    principal: Principal
    expires_at: datetime | None
    looked_up_at: float  # time.monotonic()


_Found = KnownKey | None  # a shared lookup's answer: None when it found no key


class KeyCache:
    """The keys this process looked up in the last `seconds`, by hash: a request with a known
    key needs no query to authenticate. Revoking a key forgets it here at once; other
    processes stop accepting it within `seconds`. Unknown and revoked keys are never kept.

    When a known key's time is up, every request in flight with it misses at once: they share
    one lookup (`look_up_once`) instead of queueing a lookup each for the database."""

    def __init__(self, seconds: float, capacity: int = 10_000) -> None:
        self.seconds, self.capacity = seconds, capacity
        self._keys: dict[str, KnownKey] = {}
        self._lock = threading.Lock()
        # Per event loop: a future belongs to the loop that made it.
        self._lookups: dict[tuple[asyncio.AbstractEventLoop, str], asyncio.Future[_Found]] = {}

    def get(self, key_hash: str) -> KnownKey | None:
        known = self._keys.get(key_hash)
        if known is None or time.monotonic() - known.looked_up_at >= self.seconds:
            return None
        return known

    def put(self, key_hash: str, principal: Principal, expires_at: datetime | None) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            if len(self._keys) >= self.capacity:
                self._keys.clear()
            self._keys[key_hash] = KnownKey(principal, expires_at, time.monotonic())

    def forget(self, key_id: uuid.UUID) -> None:
        with self._lock:
            for key_hash, known in list(self._keys.items()):
                if known.principal.key_id == key_id:
                    del self._keys[key_hash]

    async def look_up_once(
        self, key_hash: str, look_up: Callable[[], Awaitable[KnownKey]]
    ) -> KnownKey:
        """`look_up()`, unless a lookup of the same key is already under way in this loop: then
        its answer. Only a key found is shared. A lookup that fails (an unknown or revoked key,
        a client guessing keys, a hang-up) leaves each waiting request to look the key up
        itself, so that every failure is counted against its own client."""
        loop = asyncio.get_running_loop()
        under_way = self._lookups.get((loop, key_hash))
        if under_way is not None:
            # Shielded: a waiting client that hangs up must not cancel the shared lookup.
            found = await asyncio.shield(under_way)
            return found if found is not None else await look_up()
        shared: asyncio.Future[_Found] = loop.create_future()
        self._lookups[(loop, key_hash)] = shared
        try:
            known = await look_up()
        except BaseException:
            shared.set_result(None)
            raise
        finally:
            del self._lookups[(loop, key_hash)]
        shared.set_result(known)
        return known


def _key_hash(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an API key as `Authorization: Bearer <key>`.")
    secret = request.app.state.settings.key_secret.get_secret_value()
    return hash_api_key(credentials.credentials, secret)


def _look_up(request: Request, session: Session, key_hash: str) -> KnownKey:
    _stop_guessing(request)
    key = session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))
    if key is None or key.revoked_at is not None:
        _refuse_key(request, "The API key is unknown or revoked.")
    principal = Principal(key.id, key.organization_id, Role(key.role), key.payer_id, key.staff_id)
    request.app.state.key_cache.put(key_hash, principal, key.expires_at)
    return KnownKey(principal, key.expires_at, time.monotonic())


def _admit(request: Request, known: KnownKey) -> Principal:
    """The key's expiry against the request clock, then its rate limit."""
    now = request.app.state.clock()
    if known.expires_at is not None and known.expires_at <= now:
        _refuse_key(request, "The API key has expired.")
    principal = known.principal
    _enforce_rate_limit(request, principal, now)
    request.state.principal = principal
    return principal


async def authenticate(
    request: Request, session: Session, credentials: HTTPAuthorizationCredentials | None
) -> Principal:
    """The request's principal, from its key. Without a thread of its own when the key is
    known: only a lookup in the database (and a rate limit counted in Redis) goes to the thread
    pool."""
    key_hash = _key_hash(request, credentials)
    cache: KeyCache = request.app.state.key_cache
    known = cache.get(key_hash)
    if known is None:
        known = await cache.look_up_once(
            key_hash, lambda: run_in_threadpool(_look_up, request, session, key_hash)
        )
    if request.app.state.rate_limiter.is_configured_shared():
        return await run_in_threadpool(_admit, request, known)
    return _admit(request, known)


def client_address(request: Request) -> str:
    """The address the request came from (behind a proxy, as `--forwarded-allow-ips` trusts)."""
    return request.client.host if request.client is not None else "unknown"


def _stop_guessing(request: Request) -> None:
    """Guessing keys from one address stops before any lookup: past the limit even a right
    guess answers 429, so the guessing gains nothing. Only a key this process does not know
    comes here; a cached key was looked up, and found, within the last few seconds."""
    now = request.app.state.clock()
    failures: RateLimiter = request.app.state.failed_auth_limiter
    if failures.is_exhausted(f"failed-auth:{client_address(request)}", now):
        _refuse_guessing(request, failures, now)


def _refuse_key(request: Request, reason: str) -> NoReturn:
    """401 for a key that does not authenticate, counted against the client's address."""
    now = request.app.state.clock()
    failures: RateLimiter = request.app.state.failed_auth_limiter
    if not failures.hit(f"failed-auth:{client_address(request)}", now).allowed:
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


def refuse_unless_granted(principal: Principal, permission: Permission) -> None:
    if not principal.can(permission):
        raise Forbidden(f"The {principal.role} role may not do this ({permission}).")
