"""ETags and If-Match over each record's `version`: no update silently overwrites another."""

import re
from typing import Annotated, Protocol, TypeVar

from fastapi import Header, Response

from app.errors import PreconditionFailed, Unprocessable

# A weak or strong ETag of this API, or its bare version number; versions fit 32 bits.
ETAG_PATTERN = r'^(W/)?("[0-9]{1,9}"|[0-9]{1,9})$'

IfMatch = Annotated[
    str | None,
    Header(
        description='The ETag the client read, e.g. `W/"3"`. When sent, the update applies only '
        "if the record is still at that version (else 412).",
        examples=['W/"1"'],
        pattern=ETAG_PATTERN,
    ),
]


def etag(version: int) -> str:
    return f'W/"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


class Versioned(Protocol):
    version: int


VersionedT = TypeVar("VersionedT", bound=Versioned)


def with_etag(response: Response, read: VersionedT) -> VersionedT:
    """The answer of a single resource that accepts If-Match, with its version as the ETag."""
    set_etag(response, read.version)
    return read


def expected_version(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    match = re.fullmatch(ETAG_PATTERN, if_match.strip())
    if match is None:
        raise Unprocessable('If-Match must be an ETag from this API, such as W/"3".')
    return int(match.group(2).strip('"'))


def check_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise PreconditionFailed(
            f"The record is at version {current}, not {expected}; read it again.",
            current_version=current,
        )
