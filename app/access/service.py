"""Organizations and API keys."""

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from app.access.models import ApiKey, Organization
from app.access.schemas import ApiKeyCreate, ApiKeyIssued, ApiKeyRead, Me
from app.context import Context
from app.db import utcnow
from app.errors import FieldError, Forbidden, NotFound, Unprocessable
from app.pagination import PageParams, fetch_page
from app.security import ROLE_PERMISSIONS, Principal, Role, hash_api_key, new_api_key


def create_organization(session: Session, name: str) -> Organization:
    organization = Organization(name=name)
    session.add(organization)
    session.flush()
    return organization


def get_organization(session: Session, organization_id: uuid.UUID) -> Organization:
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("No organization with this id.")
    return organization


def describe_key(session: Session, principal: Principal) -> Me:
    """Who a key is: its organization, role and what the role permits. Not for an intake key,
    which reads nothing at all (the website's form only submits)."""
    if principal.role == Role.intake:
        raise Forbidden("An intake key submits insurance inquiries and reads nothing.")
    organization = get_organization(session, principal.organization_id)
    assert principal.key_id is not None  # an HTTP request always comes with its key
    return Me(
        key_id=principal.key_id,
        organization_id=organization.id,
        organization_name=organization.name,
        role=principal.role,
        payer_id=principal.payer_id,
        staff_id=principal.staff_id,
        permissions=sorted(ROLE_PERMISSIONS[principal.role]),
    )


def issue_key(
    session: Session,
    organization_id: uuid.UUID,
    request: ApiKeyCreate,
    secret: str,
    created_by_key_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new key for the organization; the raw key is returned once and never stored. `now` is
    the request's clock reading (the system clock by default)."""
    if request.expires_at is not None and request.expires_at <= (now or utcnow()):
        error = FieldError(field="expires_at", code="in_the_past", message="Already expired.")
        raise Unprocessable("A new key cannot be expired already.", errors=[error])
    get_organization(session, organization_id)
    raw_key = new_api_key()
    key = ApiKey(
        organization_id=organization_id,
        name=request.name,
        role=request.role.value,
        payer_id=request.payer_id,
        staff_id=request.staff_id,
        key_hash=hash_api_key(raw_key, secret),
        key_prefix=raw_key[:12],
        expires_at=request.expires_at,
        created_by_key_id=created_by_key_id,
    )
    session.add(key)
    session.flush()
    return key, raw_key


def create_key(ctx: Context, request: ApiKeyCreate, secret: str) -> ApiKeyIssued:
    """A key issued by an admin of the organization: the answer is the one time it is shown.
    A clinician key's staff member is checked first (`app.flows.keys`)."""
    key, raw_key = issue_key(
        ctx.session,
        ctx.organization_id,
        request,
        secret,
        created_by_key_id=ctx.principal.key_id,
        now=ctx.now,
    )
    return ApiKeyIssued.model_validate(
        {**ApiKeyRead.model_validate(key).model_dump(), "key": raw_key}
    )


def list_keys(ctx: Context, params: PageParams) -> tuple[list[ApiKeyRead], int]:
    statement = ctx.select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
    keys, total = fetch_page(ctx.session, statement, params)
    return [ApiKeyRead.model_validate(key) for key in keys], total


def revoke_key(ctx: Context, key_id: uuid.UUID) -> ApiKeyRead:
    key = ctx.get(ApiKey, key_id)
    if key.revoked_at is None:
        key.revoked_at = ctx.now
        ctx.session.flush()
    return ApiKeyRead.model_validate(key)
