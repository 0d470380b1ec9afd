"""Programs, their versioned settings, staff and rooms."""

from typing import Any

import pytest

from tests.factories import Clinic, if_match, make_program, make_room, make_staff


def test_a_new_program_carries_the_domain_defaults(clinic: Clinic) -> None:
    program = make_program(clinic)
    settings = program["settings"]
    assert (settings["min_days_per_week"], settings["max_days_per_week"]) == (3, 5)
    assert (settings["min_weekly_hours"], settings["max_weekly_hours"]) == (9, 19)
    assert settings["min_weekly_hours_adolescent"] == 6
    assert settings["min_hours_per_day"] is None
    assert settings["planned_duration_days"] == 90
    assert (settings["group_min_size"], settings["group_max_size"]) == (8, 15)
    assert settings["price_per_day"] == "300.00"
    assert program["level"] == "2.1"
    assert program["settings_version"] == 1


def test_settings_changes_are_versioned_and_the_old_version_is_kept(clinic: Clinic) -> None:
    program = make_program(clinic)
    changed = program["settings"] | {"min_hours_per_day": 3, "max_weekly_hours": 18}
    response = clinic.admin.put(
        f"/v1/programs/{program['id']}/settings",
        json=changed,
        headers=if_match(clinic.admin, f"/v1/programs/{program['id']}/settings"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["settings_version"] == 2
    versions = clinic.admin.get(f"/v1/programs/{program['id']}/settings/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[1]["settings"]["min_hours_per_day"] is None


@pytest.mark.parametrize(
    "change",
    [
        {"min_days_per_week": 6, "max_days_per_week": 5},
        {"min_weekly_hours": 20},
        {"min_days_per_week": 5, "min_hours_per_day": 4},
        {"group_min_size": 16},
    ],
)
def test_inconsistent_settings_are_rejected(clinic: Clinic, change: dict[str, Any]) -> None:
    program = make_program(clinic)
    response = clinic.admin.put(
        f"/v1/programs/{program['id']}/settings",
        json=program["settings"] | change,
        headers=if_match(clinic.admin, f"/v1/programs/{program['id']}/settings"),
    )
    assert response.status_code == 422
    assert clinic.admin.get(f"/v1/programs/{program['id']}").json()["settings_version"] == 1


@pytest.mark.parametrize(
    "change",
    [
        {"time_zone": "Mars/Olympus"},
        {"country": "ZZ"},
        {"subdivision": "XX"},
        {"operating_hours": {"monday": {"opens": "18:00", "closes": "17:00"}}},
        {"operating_hours": {"someday": {"opens": "09:00", "closes": "12:00"}}},
    ],
)
def test_invalid_program_details_are_rejected(clinic: Clinic, change: dict[str, Any]) -> None:
    body = {
        "name": "Day track",
        "track": "day",
        "time_zone": "America/Chicago",
        "operating_hours": {"monday": {"opens": "09:00", "closes": "12:00"}},
        "country": "US",
        "subdivision": "IL",
    } | change
    assert clinic.admin.post("/v1/programs", json=body).status_code == 422


def test_updates_honour_if_match(clinic: Clinic) -> None:
    program = make_program(clinic)
    url = f"/v1/programs/{program['id']}"
    etag = clinic.staff.get(url).headers["etag"]
    assert etag == '"1"'
    first = clinic.admin.patch(url, json={"name": "Evening A"}, headers={"If-Match": etag})
    assert first.status_code == 200
    assert first.headers["etag"] == '"2"'
    stale = clinic.admin.patch(url, json={"name": "Evening B"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["type"].endswith("/precondition-failed")
    assert clinic.staff.get(url).json()["name"] == "Evening A"


def test_only_admins_change_programs_and_other_clinics_see_nothing(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    program = make_program(clinic)
    url = f"/v1/programs/{program['id']}"
    assert (
        clinic.staff.patch(url, json={"name": "x"}, headers=if_match(clinic.staff, url)).status_code
        == 403
    )
    assert clinic.payer.get(url).status_code == 403
    assert other_clinic.admin.get(url).status_code == 404
    assert other_clinic.admin.get("/v1/programs").json()["total"] == 0


def test_programs_filter_by_track(clinic: Clinic) -> None:
    make_program(clinic)
    day_hours = {"monday": {"opens": "09:00", "closes": "12:00"}}
    make_program(clinic, name="Day", track="day", operating_hours=day_hours)
    names = [p["name"] for p in clinic.staff.get("/v1/programs?track=day").json()["items"]]
    assert names == ["Day"]


def test_staff_record_what_they_may_lead(clinic: Clinic, other_clinic: Clinic) -> None:
    staff = make_staff(clinic, session_kinds=["complementary"], therapies=["music"])
    assert staff["therapies"] == ["music"]
    url = f"/v1/staff/{staff['id']}"
    active = clinic.staff.get("/v1/staff?is_active=true").json()["total"]  # the clinician too
    deactivated = clinic.admin.patch(
        url, json={"is_active": False}, headers=if_match(clinic.admin, url)
    )
    assert deactivated.json()["is_active"] is False
    assert clinic.staff.get("/v1/staff?is_active=true").json()["total"] == active - 1
    assert other_clinic.admin.get(url).status_code == 404
    bad = clinic.admin.post("/v1/staff", json={"name": "X", "session_kinds": ["yoga"]})
    assert bad.status_code == 422


def test_rooms_have_a_positive_capacity(clinic: Clinic) -> None:
    room = make_room(clinic, capacity=12)
    assert clinic.staff.get(f"/v1/rooms/{room['id']}").json()["capacity"] == 12
    assert clinic.admin.post("/v1/rooms", json={"name": "Closet", "capacity": 0}).status_code == 422


@pytest.mark.parametrize(
    ("path", "body", "change"),
    [
        ("/v1/staff", {"name": "Dana Whitfield", "session_kinds": ["group"]}, {"name": "Dana W."}),
        ("/v1/rooms", {"name": "Group room B", "capacity": 12}, {"capacity": 14}),
    ],
)
def test_staff_and_rooms_send_the_etag_their_updates_check(
    clinic: Clinic, path: str, body: dict[str, object], change: dict[str, object]
) -> None:
    created = clinic.admin.post(path, json=body)
    assert created.headers["etag"] == '"1"'
    url = f"{path}/{created.json()['id']}"
    etag = clinic.staff.get(url).headers["etag"]
    updated = clinic.admin.patch(url, json=change, headers={"If-Match": etag})
    assert (updated.status_code, updated.headers["etag"]) == (200, '"2"')
    stale = clinic.admin.patch(url, json=change, headers={"If-Match": etag})
    assert stale.status_code == 412


def test_staff_and_rooms_in_a_list_read_exactly_as_their_own_records(clinic: Clinic) -> None:
    staff = [
        make_staff(clinic, therapies=["CBT", "MI"]),
        make_staff(clinic, name="Sam Ortiz", credential=None, license_number=None),
    ]
    rooms = [make_room(clinic, location="2nd floor"), make_room(clinic, name="Room C")]
    for kind, made in (("staff", staff), ("rooms", rooms)):
        listed = {item["id"]: item for item in clinic.staff.get(f"/v1/{kind}").json()["items"]}
        for record in made:
            own = clinic.staff.get(f"/v1/{kind}/{record['id']}").json()
            # Same fields in the same order, nulls included: a client may compare them as text.
            assert list(listed[record["id"]].items()) == list(own.items())


def test_programs_in_a_list_read_exactly_as_their_own_records_each_with_its_settings(
    clinic: Clinic,
) -> None:
    kept = make_program(clinic, name="Adult IOP – Day")
    changed = make_program(clinic, name="Adult IOP – Evening")
    url = f"/v1/programs/{changed['id']}/settings"
    settings = changed["settings"] | {"min_hours_per_day": 3, "max_weekly_hours": 18}
    assert clinic.admin.put(url, json=settings, headers=if_match(clinic.admin, url)).is_success

    listed = {item["id"]: item for item in clinic.staff.get("/v1/programs").json()["items"]}

    for made in (kept, changed):
        own = clinic.staff.get(f"/v1/programs/{made['id']}").json()
        assert list(listed[made["id"]].items()) == list(own.items())
    assert listed[changed["id"]]["settings"]["max_weekly_hours"] == 18
    assert listed[kept["id"]]["settings"]["max_weekly_hours"] != 18
