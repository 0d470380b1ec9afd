import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from app.schemas import Schema

EXAMPLE_PATIENT = "0193a5c2-7d41-7c3e-9f0a-2b6c1d8e4f10"


class AuditAccessRead(Schema):
    action: str = Field(examples=["read"])
    resource_type: str = Field(examples=["appointment"])
    resource_id: str = Field(examples=["0193a5c2-9b10-7e55-8a2d-5f3b7c9e1a22"])
    patient_id: uuid.UUID | None = Field(examples=[EXAMPLE_PATIENT])


class AuditEventRead(Schema):
    """One request's access to patient data: every record it read or changed."""

    id: uuid.UUID
    sequence: int = Field(description="The event's place in the organization's chain: 1, 2, 3 …")
    occurred_at: datetime
    api_key_id: uuid.UUID | None = Field(description="None for the command line.")
    request_id: str | None = Field(examples=["5f0c1b8e2a4d4c7f9e3b6a1d2c8e7f90"])
    accesses: list[AuditAccessRead] = Field(
        description="Each record the request touched, once per action.",
        examples=[[
            {"action": "list", "resource_type": "appointment",
             "resource_id": "0193a5c2-9b10-7e55-8a2d-5f3b7c9e1a22", "patient_id": EXAMPLE_PATIENT},
            {"action": "read", "resource_type": "patient",
             "resource_id": EXAMPLE_PATIENT, "patient_id": EXAMPLE_PATIENT},
        ]],
    )  # fmt: skip
    hash: str = Field(
        examples=["3b1f0e9c6a2d48f7b5c4e1d0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a190"],
        description="SHA-256 (hex) over the previous event's hash, the sequence and the event's"
        " fields: editing or removing an event breaks the chain.",
    )


class BrokenLinkRead(Schema):
    sequence: int = Field(description="Where the chain breaks.", examples=[42])
    event_id: uuid.UUID | None = Field(
        description="The event found there; none when events are missing from the end."
    )
    reason: Literal["sequence", "hash", "head"] = Field(
        description="`sequence`: an event is missing; `hash`: an event was changed; `head`: the"
        " chain's head names no stored event (the last ones were removed)."
    )
    expected: str
    found: str


class AuditVerificationRead(Schema):
    """Whether the organization's audit chain is whole, and if not, its first broken link."""

    status: Literal["intact", "broken"] = Field(examples=["intact"])
    event_count: int = Field(description="Events checked.", examples=[1280])
    broken_link: BrokenLinkRead | None = Field(examples=[None])
