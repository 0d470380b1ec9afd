"""Organizations and API keys."""

import uuid

from sqlalchemy.orm import Session

from app.access.models import ApiKey, Organization
from app.access.schemas import ApiKeyCreate
from app.context import Context
from app.errors import NotFound
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
) -> tuple[ApiKey, str]:
    """A new key for the organization; the raw key is returned once and never stored."""
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
    statement = ctx.select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
    return fetch_page(ctx.session, statement, params)


def revoke_key(ctx: Context, key_id: uuid.UUID) -> ApiKey:
    key = ctx.get(ApiKey, key_id)
    if key.revoked_at is None:
        key.revoked_at = ctx.now
        ctx.session.flush()
    return key
