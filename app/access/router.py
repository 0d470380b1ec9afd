import uuid
from typing import Annotated

from fastapi import APIRouter, Request, status

from app.access import service
from app.access.schemas import ApiKeyCreate, ApiKeyIssued, ApiKeyRead, Me
from app.context import Context, context_with
from app.flows import keys
from app.openapi import problem_responses
from app.pagination import PageDep, page_body
from app.schemas import Page
from app.security import Permission

router = APIRouter(tags=["access"])

KeyAdmin = Annotated[Context, context_with(Permission.keys_manage)]
AnyKey = Annotated[Context, context_with(None)]


@router.get("/me", summary="Who this API key is: organization, role and permissions")
def get_me(ctx: AnyKey) -> Me:
    return service.describe_key(ctx.session, ctx.principal)


@router.post(
    "/api-keys",
    status_code=status.HTTP_201_CREATED,
    summary="Issue an API key for this organization (the key is shown once)",
)
def create_api_key(body: ApiKeyCreate, ctx: KeyAdmin, request: Request) -> ApiKeyIssued:
    secret = request.app.state.settings.key_secret.get_secret_value()
    return keys.create_key(ctx, body, secret)


@router.get("/api-keys", summary="List this organization's API keys (never the keys themselves)")
def list_api_keys(ctx: KeyAdmin, page: PageDep) -> Page[ApiKeyRead]:
    keys, total = service.list_keys(ctx, page)
    return Page[ApiKeyRead].model_validate(page_body(keys, total, page))


@router.delete(
    "/api-keys/{key_id}",
    summary="Revoke an API key; it stops working within seconds",
    description="The server that answers stops accepting the key at once; other server "
    "processes within `IOP_KEY_CACHE_SECONDS` (5 by default), the time they trust a key they "
    "looked up.",
    responses=problem_responses(404),
)
def revoke_api_key(key_id: uuid.UUID, ctx: KeyAdmin, request: Request) -> ApiKeyRead:
    revoked = service.revoke_key(ctx, key_id)
    # This process stops accepting it now; the others within `key_cache_seconds`.
    request.app.state.key_cache.forget(key_id)
    return revoked
