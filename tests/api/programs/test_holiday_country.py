"""Every program closes on public holidays: of the country given, or else of its time zone's."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.scheduling.factories import admit, make_track, plan_body
from tests.conftest import FixedClock
from tests.factories import Clinic, if_match, make_program, make_room, make_staff


def program_body(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Day track",
        "track": "day",
        "time_zone": "America/Chicago",
        "operating_hours": {"monday": {"opens": "09:00", "closes": "12:00"}},
    } | changes


def test_a_program_without_a_country_takes_its_time_zones_and_says_so(clinic: Clinic) -> None:
    response = clinic.admin.post("/v1/programs", json=program_body())
    assert response.status_code == 201, response.text
    program = response.json()
    assert (program["country"], program["holiday_country_source"]) == ("US", "time_zone")


@pytest.mark.parametrize(
    ("time_zone", "country"),
    [("Europe/Berlin", "DE"), ("America/Toronto", "CA"), ("US/Eastern", "US")],
    ids=["Berlin", "Toronto", "a link: US/Eastern"],
)
def test_the_time_zone_names_the_country(clinic: Clinic, time_zone: str, country: str) -> None:
    program = clinic.admin.post("/v1/programs", json=program_body(time_zone=time_zone)).json()
    assert program["country"] == country


def test_a_given_country_is_kept_and_said_to_be_given(clinic: Clinic) -> None:
    program = make_program(clinic, country="US", subdivision="MA")
    assert (program["country"], program["subdivision"]) == ("US", "MA")
    assert program["holiday_country_source"] == "given"


def test_a_time_zone_of_no_country_needs_a_country(clinic: Clinic) -> None:
    response = clinic.admin.post("/v1/programs", json=program_body(time_zone="UTC"))
    assert response.status_code == 422
    assert "country is required" in response.text
    given = clinic.admin.post("/v1/programs", json=program_body(time_zone="UTC", country="GB"))
    assert given.json()["holiday_country_source"] == "given"


def test_a_subdivision_is_checked_against_the_time_zones_country(clinic: Clinic) -> None:
    illinois = clinic.admin.post("/v1/programs", json=program_body(subdivision="IL"))
    assert (illinois.json()["country"], illinois.json()["subdivision"]) == ("US", "IL")
    bavaria = clinic.admin.post("/v1/programs", json=program_body(subdivision="BY"))
    assert bavaria.status_code == 422
    assert "US has no subdivision 'BY'" in bavaria.text


def test_a_country_from_the_time_zone_follows_a_new_time_zone(clinic: Clinic) -> None:
    program = clinic.admin.post("/v1/programs", json=program_body()).json()
    url = f"/v1/programs/{program['id']}"
    moved = clinic.admin.patch(
        url, json={"time_zone": "America/Toronto"}, headers=if_match(clinic.admin, url)
    ).json()
    assert (moved["country"], moved["holiday_country_source"]) == ("CA", "time_zone")


def test_a_given_country_stays_when_the_time_zone_changes(clinic: Clinic) -> None:
    program = make_program(clinic, country="US", subdivision=None)
    url = f"/v1/programs/{program['id']}"
    moved = clinic.admin.patch(
        url, json={"time_zone": "UTC"}, headers=if_match(clinic.admin, url)
    ).json()
    assert (moved["country"], moved["holiday_country_source"]) == ("US", "given")


def test_clearing_the_country_takes_the_time_zones_again_never_none(clinic: Clinic) -> None:
    program = make_program(clinic, country="CA", subdivision="ON")
    url = f"/v1/programs/{program['id']}"
    cleared = clinic.admin.patch(
        url, json={"country": None, "subdivision": None}, headers=if_match(clinic.admin, url)
    )
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["country"], cleared.json()["holiday_country_source"]) == (
        "US",
        "time_zone",
    )
    in_utc = make_program(clinic, time_zone="UTC", country="GB", subdivision=None)
    refused = clinic.admin.patch(
        f"/v1/programs/{in_utc['id']}",
        json={"country": None},
        headers=if_match(clinic.admin, f"/v1/programs/{in_utc['id']}"),
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "country"


def test_a_subdivision_from_another_country_is_refused_on_update(clinic: Clinic) -> None:
    program = make_program(clinic, country="US", subdivision="MA")
    refused = clinic.admin.patch(
        f"/v1/programs/{program['id']}",
        json={"country": "CA"},
        headers=if_match(clinic.admin, f"/v1/programs/{program['id']}"),
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0] == {
        "field": "subdivision",
        "code": "holiday_calendar",
        "message": "CA has no subdivision 'MA'",
    }


def test_a_program_without_a_stated_country_closes_on_its_countrys_holidays(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 11, 1, 12, tzinfo=UTC)
    program = make_track(clinic, country=None, subdivision=None)
    assert program["holiday_country_source"] == "time_zone"
    patient = admit(app, clinic, program)
    resources = {
        "staff_id": make_staff(clinic)["id"],
        "room_id": make_room(clinic)["id"],
    }
    body = plan_body(start_date="2026-11-23", weeks=1, **resources)
    saved = clinic.staff.post(f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body)
    assert saved.status_code == 201, saved.text
    assert [day["reason"] for day in saved.json()["skipped_days"]] == ["Thanksgiving Day"]
