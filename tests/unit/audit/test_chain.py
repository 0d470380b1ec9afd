"""The audit hash chain as a pure rule: links in, the first broken one out."""

import dataclasses
import hashlib
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.audit.chain import GENESIS_HASH, Link, canonical_form, link_hash, verify_links

AT = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
ORGANIZATION = uuid.UUID(int=1)


def chain(length: int) -> list[Link]:
    links, previous = [], GENESIS_HASH
    for sequence in range(1, length + 1):
        event_id = uuid.UUID(int=100 + sequence)
        canonical = canonical_form(
            event_id=event_id, organization_id=ORGANIZATION,
            occurred_at=AT + timedelta(seconds=sequence), api_key_id=None,
            request_id=f"req-{sequence}",
            accesses=[{"action": "read", "resource_type": "patient",
                       "resource_id": str(uuid.UUID(int=sequence)),
                       "patient_id": str(uuid.UUID(int=sequence))}],
        )  # fmt: skip
        previous = link_hash(previous, sequence, canonical)
        links.append(Link(event_id, sequence, previous, canonical))
    return links


def head_of(links: list[Link]) -> tuple[int, str]:
    return (links[-1].sequence, links[-1].hash) if links else (0, GENESIS_HASH)


def test_a_link_hashes_the_previous_hash_its_sequence_and_its_fields() -> None:
    expected = hashlib.sha256(f"{GENESIS_HASH}\n1\n{{}}".encode()).hexdigest()
    assert link_hash(GENESIS_HASH, 1, "{}") == expected


def test_the_canonical_form_does_not_depend_on_key_order_or_time_zone() -> None:
    def form(occurred_at: datetime, access: dict[str, str]) -> str:
        return canonical_form(
            event_id=uuid.UUID(int=5), organization_id=ORGANIZATION, occurred_at=occurred_at,
            api_key_id=None, request_id=None, accesses=[access],
        )  # fmt: skip

    eastern = AT.astimezone(timezone(timedelta(hours=-5)))
    assert form(AT, {"action": "read", "resource_type": "patient"}) == form(
        eastern, {"resource_type": "patient", "action": "read"}
    )


def tampered_hash(links: list[Link]) -> list[Link]:
    return [links[0], dataclasses.replace(links[1], canonical=links[1].canonical + " "), *links[2:]]


@pytest.mark.parametrize(
    ("links", "head", "broken_at", "reason"),
    [
        (chain(0), (0, GENESIS_HASH), None, None),
        (chain(3), head_of(chain(3)), None, None),
        (tampered_hash(chain(3)), head_of(chain(3)), 2, "hash"),
        ([chain(3)[0], chain(3)[2]], head_of(chain(3)), 2, "sequence"),
        (chain(3)[:2], head_of(chain(3)), 3, "head"),
        (chain(3), (2, chain(3)[1].hash), 4, "head"),
        (chain(0), head_of(chain(1)), 1, "head"),
    ],
    ids=["empty", "intact", "edited", "removed", "removed-last", "head-rewound", "all-removed"],
)
def test_verification_names_the_first_broken_link(
    links: list[Link], head: tuple[int, str], broken_at: int | None, reason: str | None
) -> None:
    verification = verify_links(links, *head)
    assert verification.is_intact == (broken_at is None)
    if verification.broken is not None:
        assert (verification.broken.sequence, verification.broken.reason) == (broken_at, reason)


@given(length=st.integers(1, 12), data=st.data())
def test_editing_any_one_event_is_found_at_that_event(length: int, data: st.DataObject) -> None:
    links = chain(length)
    index = data.draw(st.integers(0, length - 1))
    links[index] = dataclasses.replace(links[index], canonical=links[index].canonical + "x")
    broken = verify_links(links, *head_of(chain(length))).broken
    assert broken is not None
    assert (broken.sequence, broken.event_id) == (index + 1, links[index].event_id)


@given(length=st.integers(1, 12), data=st.data())
def test_removing_any_one_event_is_found(length: int, data: st.DataObject) -> None:
    links = chain(length)
    index = data.draw(st.integers(0, length - 1))
    verification = verify_links(links[:index] + links[index + 1 :], *head_of(links))
    assert verification.broken is not None
    assert verification.broken.sequence == index + 1
