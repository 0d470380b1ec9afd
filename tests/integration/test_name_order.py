"""Patients list in one order on every database: their folded names compared by code point, as
SQLite compares text, even on a PostgreSQL database whose collation orders them as a language
does (there `é` sorts beside `e`; by code point, after `z`)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.migrations import upgrade_to_head
from tests.conftest import settings_for
from tests.databases import fresh_postgres_database, reachable_postgres_or_skip
from tests.factories import make_clinic

NAMES = [
    ("Émile", "Zola"), ("Ezra", "Émond"), ("Zoe", "Ezra"), ("Ada", "émery"), ("Ana", "Zimmer"),
    ("Rui", "Ødegaard"), ("Oli", "Oakes"), ("Eli", "O'Brien"), ("Ian", "de la Cruz"),
    ("Ivy", "Delacroix"),
]  # fmt: skip


@pytest.fixture
def staff() -> Iterator[TestClient]:
    """Staff of a clinic on a PostgreSQL database whose own collation is English, by ICU."""
    options = "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
    with fresh_postgres_database(reachable_postgres_or_skip(), options) as url:
        upgrade_to_head(url)
        app = create_app(settings_for(url))
        with TestClient(app):
            yield make_clinic(app).staff


def by_code_point(names: list[tuple[str, str]]) -> list[str]:
    """The given names, in the list's order: family name, then given name, folded."""
    folded = sorted(names, key=lambda name: (name[1].casefold(), name[0].casefold()))
    return [given for given, _ in folded]


def starting_with(word: str) -> list[tuple[str, str]]:
    return [name for name in NAMES if any(n.casefold().startswith(word) for n in name)]


def test_the_list_and_a_name_search_order_names_by_code_point(staff: TestClient) -> None:
    for given, family in NAMES:
        body = {"given_name": given, "family_name": family, "date_of_birth": "1990-05-17"}
        assert staff.post("/v1/patients", json=body).status_code == 201

    def listed(**params: str) -> list[str]:
        answer = staff.get("/v1/patients", params=params)
        assert answer.status_code == 200, answer.text
        return [patient["given_name"] for patient in answer.json()["items"]]

    assert listed() == by_code_point(NAMES)
    assert listed(name="E") == by_code_point(starting_with("e"))
    assert listed(name="é") == by_code_point(starting_with("é"))
    assert listed(name="o") == by_code_point(starting_with("o"))
    pages = [listed(limit="3", offset=str(offset)) for offset in range(0, len(NAMES), 3)]
    assert [given for page in pages for given in page] == by_code_point(NAMES)
