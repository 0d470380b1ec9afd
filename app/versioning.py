"""ETags and If-Match over each record's `version`: no update silently overwrites another.

Every single-resource answer carries a strong ETag, the record's version in quotes (`"3"`).
A change of a versioned record needs `If-Match` (RFC 9110 §13.1.1) with the tag the client
read: without it the answer is 428 `precondition-required`, and any well-formed entity-tag
that is not the record's current one is 412 `precondition-failed`. If-Match compares strongly,
so a weak tag (`W/"3"`) never matches (412). `*` matches whatever version the record is at.
Both are decided after authorization and after the record is found, so neither reveals
anything a 403 or 404 would hide. A header that is not entity-tag syntax at all is a 422.
"""

import re
from dataclasses import dataclass
from typing import Annotated, Protocol, TypeVar

from fastapi import Header, Response

from app.errors import DomainError, PreconditionFailed

# RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; If-Match = "*" / #entity-tag.
_ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'
IF_MATCH_PATTERN = rf"^[ \t]*(?:\*|{_ENTITY_TAG}(?:[ \t]*,[ \t]*{_ENTITY_TAG})*)[ \t]*$"
_STRONG_TAG = re.compile(r'"([0-9]{1,9})"')

IfMatch = Annotated[
    str | None,
    Header(
        description='Required. The ETag the client read, e.g. `"3"`: the change applies only if '
        "the record is still at that version (else 412; without the header, 428). Compared "
        'strongly: a weak tag such as `W/"3"` never matches.',
        examples=['"1"'],
        pattern=IF_MATCH_PATTERN,
    ),
]


class PreconditionRequired(DomainError):
    status, slug, title = 428, "precondition-required", "If-Match is required"


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


class Versioned(Protocol):
    version: int


VersionedT = TypeVar("VersionedT", bound=Versioned)


def with_etag(response: Response, read: VersionedT) -> VersionedT:
    """The answer of a single resource that accepts If-Match, with its version as the ETag."""
    set_etag(response, read.version)
    return read


@dataclass(frozen=True)
class Precondition:
    """What an If-Match header asks of the record a change is about, checked once it is loaded
    (`check_version`). Internal callers that check nothing pass `None` instead."""

    header: str | None
    versions: frozenset[int] = frozenset()  # the versions its strong tags name
    any_version: bool = False  # `If-Match: *`


def expected_version(if_match: str | None) -> Precondition:
    """The versions an If-Match header names. Its syntax was checked by `IfMatch` (a 422 before
    anything else); weak tags and tags of other forms name no version and so never match."""
    if if_match is None:
        return Precondition(None)
    text = if_match.strip()
    if text == "*":
        return Precondition(text, any_version=True)
    strong = (tag.strip() for tag in text.split(","))
    versions = frozenset(
        int(match.group(1)) for tag in strong if (match := _STRONG_TAG.fullmatch(tag)) is not None
    )
    return Precondition(text, versions)


def check_version(current: int, expected: Precondition | None) -> None:
    """Refuse the change unless If-Match names the record's current version (428 without it).
    Called after the record is found and the caller authorized, so it reveals nothing more."""
    if expected is None or expected.any_version:
        return
    if expected.header is None:
        raise PreconditionRequired(
            f'Send If-Match with the ETag you read (the record is at "{current}"), so your '
            "change cannot overwrite one you have not seen.",
            current_version=current,
        )
    if current not in expected.versions:
        raise PreconditionFailed(
            f'The record is at version "{current}", not {expected.header}; read it again. '
            "If-Match compares strongly: a weak tag never matches.",
            current_version=current,
        )
