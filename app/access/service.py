"""Organizations and API keys."""

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access.models import ApiKey, Organization
from app.access.schemas import ApiKeyCreate
from app.context import Context
from app.db import utcnow
from app.errors import FieldError, NotFound, Unprocessable
from app.pagination import PageParams, fetch_page
from app.security import hash_api_key, new_api_key


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
        key_hash=hash_api_key(raw_key, secret),
        key_prefix=raw_key[:12],
        expires_at=request.expires_at,
        created_by_key_id=created_by_key_id,
    )
    session.add(key)
    session.flush()
    return key, raw_key


def list_keys(ctx: Context, params: PageParams) -> tuple[list[ApiKey], int]:
    statement = (
        select(ApiKey)
        .where(ApiKey.organization_id == ctx.organization_id)
        .order_by(ApiKey.created_at, ApiKey.id)
    )
    return fetch_page(ctx.session, statement, params)


def revoke_key(ctx: Context, key_id: uuid.UUID) -> ApiKey:
    key = ctx.get(ApiKey, key_id)
    if key.revoked_at is None:
        key.revoked_at = ctx.now
        ctx.session.flush()
    return key
