import uuid
from typing import Annotated

from fastapi import APIRouter, Request, status

from app.access import service
from app.access.schemas import ApiKeyCreate, ApiKeyIssued, ApiKeyRead, Me
from app.context import Context, context_with
from app.db import SessionDep
from app.openapi import problem_responses
from app.pagination import PageDep, page_body
from app.schemas import Page
from app.security import ROLE_PERMISSIONS, Permission, PrincipalDep

router = APIRouter(tags=["access"])

KeyAdmin = Annotated[Context, context_with(Permission.keys_manage)]


@router.get("/me", summary="Who this API key is: organization, role and permissions")
def get_me(principal: PrincipalDep, session: SessionDep) -> Me:
    organization = service.get_organization(session, principal.organization_id)
    return Me(
        key_id=principal.key_id,
        organization_id=organization.id,
        organization_name=organization.name,
        role=principal.role,
        payer_id=principal.payer_id,
        permissions=sorted(ROLE_PERMISSIONS[principal.role]),
    )


@router.post(
    "/api-keys",
    status_code=status.HTTP_201_CREATED,
    summary="Issue an API key for this organization (the key is shown once)",
)
def create_api_key(body: ApiKeyCreate, ctx: KeyAdmin, request: Request) -> ApiKeyIssued:
    secret = request.app.state.settings.key_secret.get_secret_value()
    key, raw_key = service.issue_key(
        ctx.session,
        ctx.organization_id,
        body,
        secret,
        created_by_key_id=ctx.principal.key_id,
        now=ctx.now,
    )
    return ApiKeyIssued.model_validate(
        {**ApiKeyRead.model_validate(key).model_dump(), "key": raw_key}
    )


@router.get("/api-keys", summary="List this organization's API keys (never the keys themselves)")
def list_api_keys(ctx: KeyAdmin, page: PageDep) -> Page[ApiKeyRead]:
    keys, total = service.list_keys(ctx, page)
    return Page[ApiKeyRead].model_validate(page_body(keys, total, page))


@router.delete(
    "/api-keys/{key_id}",
    summary="Revoke an API key; it stops working at once",
    responses=problem_responses(404),
)
def revoke_api_key(key_id: uuid.UUID, ctx: KeyAdmin) -> ApiKeyRead:
    return ApiKeyRead.model_validate(service.revoke_key(ctx, key_id))
