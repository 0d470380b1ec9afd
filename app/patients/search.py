"""Name search: a word matches a patient whose family name or given name starts with it, and a
page of matches is read from the name indexes in the list's order."""

import sys
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, union
from sqlalchemy.orm import InstrumentedAttribute

from app.pagination import PageParams
from app.patients.models import Patient


def name_matches(word: str) -> ColumnElement[bool]:
    """A patient whose family name or given name starts with `word` (case-folded)."""
    return or_(
        _starts_with(Patient.family_name_folded, word),
        _starts_with(Patient.given_name_folded, word),
    )


def _starts_with(column: InstrumentedAttribute[str], prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as a range of texts (`riv` up to `riw`), which the name
    indexes answer on every database: folded names compare by code point on both
    (`app.patients.models.FoldedName`). No `LIKE`: SQLite indexes it only when it is
    case-sensitive."""
    following = past_prefix(prefix)
    if following is None:
        return column >= prefix
    return and_(column >= prefix, column < following)


def past_prefix(prefix: str) -> str | None:
    """The first text, in code point order, after every text that starts with `prefix` (None:
    no text comes after them all). `riv` → `riw`."""
    stem = prefix.rstrip(chr(sys.maxunicode))  # nothing follows the last code point
    if not stem:
        return None
    following = ord(stem[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:
        following = 0xE000  # surrogates are no text: after U+D7FF comes U+E000
    return stem[:-1] + chr(following)


def first_matches(
    statement: Select[dict[str, Any]], word: str, params: PageParams
) -> Select[dict[str, Any]]:
    """The search narrowed to the matches a page can hold, found from both ends of the name.

    A match's family name or given name starts with `word`, and the page is among the first
    `offset + limit` of each kind. The matches by family name are a range of the list's own
    index, read in its order: only those first ones are read, whatever the table's size. The
    matches by given name are a range of the live given names' index, which holds the rest of
    the list's order (family name, id): they are sorted from that index alone, without a look
    at the table. They are as many as the names that start with `word`, never the
    organization's whole list."""
    wanted = params.offset + params.limit
    firsts = [
        statement.where(_starts_with(column, word))
        .with_only_columns(Patient.id)
        .limit(wanted)
        .subquery()
        for column in (Patient.family_name_folded, Patient.given_name_folded)
    ]
    either = union(*(select(first.c.id) for first in firsts)).subquery()
    # A join, not `id IN (…)`: SQLite then reads the few ids first and looks each up, rather
    # than walking the whole list's index to skip its sort.
    return statement.join(either, Patient.id == either.c.id)
