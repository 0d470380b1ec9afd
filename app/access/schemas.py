import uuid
from datetime import datetime
from typing import Self

from pydantic import Field, model_validator

from app.schemas import Instant, Schema
from app.security import Permission, Role


class ApiKeyCreate(Schema):
    name: str = Field(min_length=1, max_length=200, examples=["Front desk tablet"])
    role: Role = Field(examples=["staff"])
    payer_id: str | None = Field(
        None,
        max_length=100,
        description="Required for, and only for, the payer role.",
        examples=[None],
    )
    staff_id: uuid.UUID | None = Field(
        None,
        description="Required for, and only for, the clinician role: the active staff member"
        " (`/v1/staff`) with a credential and license number on record who holds the key. Its"
        " approvals are recorded as that person's, and only a credential the admission's"
        " program accepts (`approving_credentials`) may approve.",
        examples=[None],
    )
    expires_at: Instant | None = Field(
        None, description="Never expires when absent; must be in the future."
    )

    @model_validator(mode="after")
    def _payer_keys_name_their_payer(self) -> Self:
        if (self.role == Role.payer) != (self.payer_id is not None):
            raise ValueError("payer_id is required for payer keys and only for them")
        # Approving is the act of a licensed person: a clinician key is that person's.
        if (self.role == Role.clinician) != (self.staff_id is not None):
            raise ValueError("staff_id is required for clinician keys and only for them")
        return self


class ApiKeyRead(Schema):
    id: uuid.UUID
    name: str = Field(examples=["Front desk tablet"])
    role: Role
    payer_id: str | None = Field(examples=[None])
    staff_id: uuid.UUID | None
    key_prefix: str = Field(
        examples=["iop_3kQ9"], description="The first characters of the key, to tell keys apart."
    )
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiKeyIssued(ApiKeyRead):
    key: str = Field(
        examples=["iop_3kQ9v2LxT8mWc4Rb7NfYh1ZsPq6DjKa0"],
        description="The key itself. Shown once: only its hash is stored.",
    )


class Me(Schema):
    key_id: uuid.UUID
    organization_id: uuid.UUID
    organization_name: str = Field(examples=["Riverbend Recovery"])
    role: Role
    payer_id: str | None = Field(examples=[None])
    staff_id: uuid.UUID | None
    permissions: list[Permission]
