"""A name search's words as ranges of texts: the texts that start with a word are exactly those
from the word up to `past_prefix(word)`, in code point order (how both databases compare folded
names, and how Python compares strings)."""

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.patients.search import past_prefix

LAST = chr(sys.maxunicode)
# Letters at the edges of code point order, often enough to meet each other.
EDGES = st.sampled_from(["a", "b", "z", "é", "\ud7ff", "\ue000", LAST, "\U0010fffe"])
TEXT = st.text(st.one_of(EDGES, st.characters(exclude_categories=["Cs"])))


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("riv", "riw"),
        ("z", "{"),
        ("ri\\", "ri]"),
        ("ø", "ù"),
        ("a" + LAST, "b"),
        ("a" + LAST + LAST, "b"),
        (LAST, None),
        ("x\ud7ff", "x\ue000"),
    ],
)
def test_past_prefix(prefix: str, expected: str | None) -> None:
    assert past_prefix(prefix) == expected


@given(prefix=TEXT.filter(bool), rest=TEXT, other=TEXT)
def test_the_range_holds_exactly_the_texts_that_start_with_the_prefix(
    prefix: str, rest: str, other: str
) -> None:
    following = past_prefix(prefix)
    for text in (prefix + rest, other, prefix[:-1] + other):
        in_range = text >= prefix and (following is None or text < following)
        assert in_range == text.startswith(prefix)
    assert following is None or following.encode()  # a text a database can store
