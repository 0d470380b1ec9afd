import uuid
from datetime import datetime

from app.schemas import Schema


class AuditEventRead(Schema):
    id: uuid.UUID
    occurred_at: datetime
    api_key_id: uuid.UUID | None
    action: str
    resource_type: str
    resource_id: str
    patient_id: uuid.UUID | None
    request_id: str | None
