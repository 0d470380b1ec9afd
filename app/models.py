"""Every table, imported in one place so Alembic and the tests see the whole schema."""

from app.access.models import ApiKey, Organization
from app.audit.models import AuditEvent
from app.db import Base

__all__ = ["ApiKey", "AuditEvent", "Base", "Organization"]
