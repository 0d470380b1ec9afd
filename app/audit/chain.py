"""The hash chain of an organization's audit events: pure functions, no I/O.

Each event's hash is SHA-256 (hex) over the UTF-8 text `previous hash + "\\n" + sequence +
"\\n" + canonical form`, the canonical form being the event's fields as JSON with sorted keys
and no spaces. The first event follows `GENESIS_HASH`. Editing any field of an event changes its
hash; removing an event leaves a gap in the sequence or a head that no event matches. The
PostgreSQL writer computes the same text in SQL (`app.audit.trail`), so keep the two in step."""

import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

GENESIS_HASH = "0" * 64


def canonical_form(
    *,
    event_id: uuid.UUID,
    organization_id: uuid.UUID,
    occurred_at: datetime,
    api_key_id: uuid.UUID | None,
    request_id: str | None,
    accesses: list[dict[str, Any]],
) -> str:
    """The event's fields as one text: what its hash covers besides its place in the chain."""
    return json.dumps(
        {
            "id": str(event_id),
            "organization_id": str(organization_id),
            "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "api_key_id": None if api_key_id is None else str(api_key_id),
            "request_id": request_id,
            "accesses": accesses,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )


def link_hash(previous_hash: str, sequence: int, canonical: str) -> str:
    return hashlib.sha256(f"{previous_hash}\n{sequence}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    """One stored event as the verifier reads it."""

    event_id: uuid.UUID
    sequence: int
    hash: str
    canonical: str


@dataclass(frozen=True)
class BrokenLink:
    sequence: int
    event_id: uuid.UUID | None  # None when the break is at the head, after the last event
    reason: Literal["sequence", "hash", "head"]
    expected: str
    found: str


@dataclass(frozen=True)
class ChainVerification:
    event_count: int
    broken: BrokenLink | None

    @property
    def is_intact(self) -> bool:
        return self.broken is None


def verify_links(
    links: Iterable[Link], head_sequence: int | None, head_hash: str | None
) -> ChainVerification:
    """Walk the links in sequence order and name the first one that does not follow from the
    one before it; then check that the head is the last link (none removed from the end)."""
    previous_hash, expected_sequence, count = GENESIS_HASH, 1, 0
    for link in links:
        count += 1
        if link.sequence != expected_sequence:
            return ChainVerification(count, BrokenLink(
                expected_sequence, link.event_id, "sequence",
                f"sequence {expected_sequence}", f"sequence {link.sequence}",
            ))  # fmt: skip
        recomputed = link_hash(previous_hash, link.sequence, link.canonical)
        if recomputed != link.hash:
            return ChainVerification(
                count, BrokenLink(link.sequence, link.event_id, "hash", recomputed, link.hash)
            )
        previous_hash, expected_sequence = link.hash, expected_sequence + 1
    last_sequence = expected_sequence - 1
    if (head_sequence or 0, head_hash or GENESIS_HASH) != (last_sequence, previous_hash):
        return ChainVerification(count, BrokenLink(
            last_sequence + 1, None, "head",
            f"head at sequence {last_sequence} with hash {previous_hash}",
            f"head at sequence {head_sequence or 0} with hash {head_hash or GENESIS_HASH}",
        ))  # fmt: skip
    return ChainVerification(count, None)
