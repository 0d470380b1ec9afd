"""Pages: `total` counts every match unless the client asks not to (`total=false`), and the
items are the same either way."""

import pytest
from fastapi import FastAPI

from tests.factories import Clinic, make_patient

NAMES = ("Adams", "Baker", "Chen", "Diaz", "Evans")


@pytest.fixture
def five_patients(app: FastAPI, clinic: Clinic) -> None:
    for family_name in NAMES:
        make_patient(app, clinic, family_name=family_name)


def family_names(page: dict[str, object]) -> list[str]:
    return [item["family_name"] for item in page["items"]]  # type: ignore[attr-defined]


@pytest.mark.usefixtures("five_patients")
@pytest.mark.parametrize(
    ("limit", "offset", "names"),
    [(2, 0, NAMES[:2]), (2, 4, NAMES[4:]), (5, 0, NAMES), (10, 0, NAMES), (2, 10, ())],
)
def test_every_page_counts_all_matches_by_default(
    clinic: Clinic, limit: int, offset: int, names: tuple[str, ...]
) -> None:
    page = clinic.staff.get("/v1/patients", params={"limit": limit, "offset": offset}).json()
    assert family_names(page) == list(names)
    assert page["total"] == len(NAMES)


@pytest.mark.usefixtures("five_patients")
def test_a_page_without_total_has_the_same_items_and_a_null_total(clinic: Clinic) -> None:
    counted = clinic.staff.get("/v1/patients", params={"limit": 2, "offset": 2}).json()
    uncounted = clinic.staff.get(
        "/v1/patients", params={"limit": 2, "offset": 2, "total": "false"}
    ).json()
    assert uncounted["items"] == counted["items"]
    assert uncounted["total"] is None
    assert (uncounted["limit"], uncounted["offset"]) == (2, 2)


@pytest.mark.usefixtures("five_patients")
def test_without_total_the_last_page_is_the_first_shorter_than_the_limit(clinic: Clinic) -> None:
    seen: list[str] = []
    offset = 0
    while True:
        page = clinic.staff.get(
            "/v1/patients", params={"limit": 2, "offset": offset, "total": "false"}
        ).json()
        seen += family_names(page)
        if len(page["items"]) < 2:
            break
        offset += 2
    assert seen == list(NAMES)
