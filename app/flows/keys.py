"""Issuing API keys: a clinician key is issued to a licensed staff member of the clinic."""

from app.access import service as access_service
from app.access.schemas import ApiKeyCreate, ApiKeyIssued
from app.context import Context
from app.programs import licensing


def create_key(ctx: Context, request: ApiKeyCreate, secret: str) -> ApiKeyIssued:
    if request.staff_id is not None:
        licensing.key_holder(ctx, request.staff_id)
    return access_service.create_key(ctx, request, secret)
