"""Treatment plans through the API: checked against the program's rules, then booked."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI

from tests.conftest import FixedClock
from tests.factories import Clinic, if_match, make_room, make_staff

from .factories import admit, make_track, plan_body, session


def resources(clinic: Clinic) -> dict[str, Any]:
    return {"staff_id": make_staff(clinic)["id"], "room_id": make_room(clinic)["id"]}


def codes(problem_or_result: dict[str, Any]) -> list[str]:
    return sorted({violation["code"] for violation in problem_or_result["violations"]})


def test_a_ninety_day_plan_is_booked_in_one_request(app: FastAPI, clinic: Clinic) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program)

    response = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body(**resources(clinic)),
    )

    assert response.status_code == 201, response.text
    saved = response.json()
    assert saved["plan"]["end_date"] == "2026-05-30"  # 90 days, the program's default
    assert (saved["days_per_week"], saved["weekly_hours"]) == (3, 9.0)
    assert saved["violations"] == []
    booked = clinic.staff.get(
        f"/v1/patients/{patient.patient_id}/appointments", params={"limit": 200}
    ).json()
    assert booked["total"] == saved["appointment_count"] == saved["appointments_added"]
    # 13 weeks of three evenings less Patriots' Day (MA) and Memorial Day, both Mondays.
    assert booked["total"] == 13 * 3 - 2
    assert {a["local_date"] for a in booked["items"]}.isdisjoint({"2026-04-20", "2026-05-25"})
    assert {item["date"] for item in saved["skipped_days"]} == {"2026-04-20", "2026-05-25"}


def test_a_plan_below_the_minimums_is_refused_with_every_code(app: FastAPI, clinic: Clinic) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program)

    response = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body("monday", "wednesday", minutes=120, **resources(clinic)),
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/plan-violations")
    assert codes(problem) == ["days_per_week_below_minimum", "weekly_hours_below_minimum"]
    assert (
        clinic.staff.get(f"/v1/admissions/{patient.admission_id}/treatment-plan").status_code == 404
    )


def test_the_dry_run_lists_every_violation_and_stores_nothing(app: FastAPI, clinic: Clinic) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program)
    counselor = make_staff(clinic, session_kinds=["individual"])["id"]
    room = make_room(clinic, capacity=4)["id"]
    body = {
        "admission_id": str(patient.admission_id),
        "start_date": "2026-03-02",
        "weeks": 4,
        "sessions": [
            session("monday", "18:00", 120, "group", staff_id=counselor, room_id=room),
            session("monday", "19:00", 60, "individual", staff_id=counselor, room_id=room),
            session("saturday", "10:00", 60, "education", modality="telehealth"),
        ],
    }

    response = clinic.staff.post("/v1/treatment-plans/validate", json=body)

    assert response.status_code == 200, response.text
    result = response.json()
    assert codes(result) == [
        "days_per_week_below_minimum",
        "outside_operating_hours",
        "overlapping_sessions",
        "room_over_capacity",
        "staff_not_qualified",
        "weekly_hours_below_minimum",
    ]
    assert [flag["code"] for flag in result["flags"]] == ["staff_not_assigned"]
    assert result["appointment_count"] > 0
    assert (
        clinic.staff.get(f"/v1/admissions/{patient.admission_id}/treatment-plan").status_code == 404
    )
    booked = clinic.staff.get(f"/v1/patients/{patient.patient_id}/appointments").json()
    assert booked["total"] == 0


def test_a_dry_run_for_a_program_uses_the_adolescent_minimum_when_asked(clinic: Clinic) -> None:
    program = make_track(clinic)
    body = plan_body("monday", "wednesday", "thursday", minutes=120, **resources(clinic))

    adult = clinic.staff.post(
        "/v1/treatment-plans/validate", json=body | {"program_id": program["id"]}
    ).json()
    adolescent = clinic.staff.post(
        "/v1/treatment-plans/validate",
        json=body | {"program_id": program["id"], "is_adolescent": True},
    ).json()

    assert codes(adult) == ["weekly_hours_below_minimum"]
    assert adolescent["violations"] == []


def test_an_adolescent_admission_is_held_to_six_hours(app: FastAPI, clinic: Clinic) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program, is_adolescent=True)
    body = plan_body("monday", "wednesday", "thursday", minutes=120, **resources(clinic))

    response = clinic.staff.post(f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body)

    assert response.status_code == 201, response.text
    assert response.json()["weekly_hours"] == 6.0


def test_a_patient_stepping_down_may_plan_below_the_minimum_for_the_grace_weeks_flagged(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program, is_step_down=True)
    body = plan_body(minutes=120, weeks=2, **resources(clinic))

    response = clinic.staff.post(f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body)

    assert response.status_code == 201, response.text
    assert [flag["code"] for flag in response.json()["flags"]] == ["step_down_grace"]
    longer = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body(minutes=120, weeks=6, **resources(clinic)),
    )
    assert codes(longer.json()) == ["weekly_hours_below_minimum"]


def test_only_an_approved_or_active_admission_gets_a_plan(app: FastAPI, clinic: Clinic) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program, status="pending")

    response = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body(**resources(clinic)),
    )

    assert response.status_code == 409
    assert response.json()["type"].endswith("/admission-not-plannable")
    assert response.json()["admission_status"] == "pending"


def test_one_therapist_cannot_see_two_patients_at_once(app: FastAPI, clinic: Clinic) -> None:
    program = make_track(clinic)
    therapist = make_staff(clinic)["id"]
    room = make_room(clinic)["id"]
    first, second = admit(app, clinic, program), admit(app, clinic, program)
    week = [
        session("monday", "17:00", 60, "individual", staff_id=therapist, room_id=room),
        *plan_body(staff_id=therapist, room_id=room)["sessions"],
    ]
    body = {"start_date": "2026-03-02", "weeks": 4, "sessions": week}
    assert (
        clinic.staff.post(f"/v1/admissions/{first.admission_id}/treatment-plan", json=body)
    ).status_code == 201

    response = clinic.staff.post(f"/v1/admissions/{second.admission_id}/treatment-plan", json=body)

    assert response.status_code == 422
    # The shared evening group is one meeting; the individual hour is not.
    assert codes(response.json()) == ["staff_double_booked"]


def test_alike_sessions_of_their_own_each_take_their_seats(app: FastAPI, clinic: Clinic) -> None:
    # A meeting many plans join is read once; a session of its own is never merged with
    # another just because they look alike.
    program = make_track(clinic)
    room = make_room(clinic, capacity=4)["id"]  # two individual sessions of two seats each
    week = [
        session("monday", "17:00", 60, "individual", room_id=room),
        *plan_body(modality="telehealth")["sessions"],
    ]
    body = {"start_date": "2026-03-02", "weeks": 4, "sessions": week}
    first, second, third = (admit(app, clinic, program) for _ in range(3))
    for admitted in (first, second):
        url = f"/v1/admissions/{admitted.admission_id}/treatment-plan"
        assert clinic.staff.post(url, json=body).status_code == 201

    response = clinic.staff.post(f"/v1/admissions/{third.admission_id}/treatment-plan", json=body)

    assert response.status_code == 422
    assert codes(response.json()) == ["room_over_capacity"]


def test_a_crowded_class_still_holds_its_therapist(app: FastAPI, clinic: Clinic) -> None:
    program = make_track(clinic)
    therapist = make_staff(clinic)["id"]
    room = make_room(clinic)["id"]
    body = plan_body(staff_id=therapist, room_id=room, weeks=4)  # Mon, Wed, Thu at 18:00
    for _ in range(6):
        admitted = admit(app, clinic, program)
        url = f"/v1/admissions/{admitted.admission_id}/treatment-plan"
        assert clinic.staff.post(url, json=body).status_code == 201
    elsewhere = plan_body("tuesday", "wednesday", "thursday", staff_id=therapist, room_id=room)
    monday = session("monday", "18:00", 60, "individual", staff_id=therapist, modality="telehealth")
    late = admit(app, clinic, program)

    response = clinic.staff.post(
        f"/v1/admissions/{late.admission_id}/treatment-plan",
        json=elsewhere | {"weeks": 4, "sessions": [*elsewhere["sessions"], monday]},
    )

    assert response.status_code == 422
    assert codes(response.json()) == ["staff_double_booked"]


def test_a_later_plan_that_ends_before_the_other_begins_does_not_clash(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    therapist = make_staff(clinic)["id"]
    first, second = admit(app, clinic, program), admit(app, clinic, program)
    week = plan_body(kind="individual", staff_id=therapist, modality="telehealth", weeks=2)
    assert (
        clinic.staff.post(f"/v1/admissions/{first.admission_id}/treatment-plan", json=week)
    ).status_code == 201

    later = week | {"start_date": "2026-03-16"}
    response = clinic.staff.post(f"/v1/admissions/{second.admission_id}/treatment-plan", json=later)

    assert response.status_code == 201, response.text


def test_a_plan_keeps_the_settings_version_it_was_made_under(app: FastAPI, clinic: Clinic) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program)
    stricter = program["settings"] | {"min_hours_per_day": 3}
    assert (
        clinic.admin.put(
            f"/v1/programs/{program['id']}/settings",
            json=stricter,
            headers=if_match(clinic.admin, f"/v1/programs/{program['id']}/settings"),
        ).status_code
        == 200
    )

    response = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan",
        json=plan_body(**resources(clinic)),
    )

    assert response.json()["plan"]["settings_version"] == 2


def test_thanksgiving_is_skipped_and_reported(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 11, 1, 12, tzinfo=UTC)
    program = make_track(clinic)
    patient = admit(app, clinic, program)
    body = plan_body(start_date="2026-11-23", weeks=1, **resources(clinic))

    saved = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body
    ).json()

    assert saved["skipped_days"] == [
        {"date": "2026-11-26", "reason": "Thanksgiving Day", "moved_to": None}
    ]
    assert saved["appointment_count"] == 2


def test_a_skipped_day_can_move_to_a_free_day_of_the_same_week(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    program = make_track(clinic, subdivision=None)
    patient = admit(app, clinic, program)
    # Independence Day 2026 is a Saturday; the US observes it on Friday, July 3 (federal
    # holidays; Massachusetts, per the `holidays` package, does not move it).
    body = plan_body(
        "monday", "wednesday", "friday", start_date="2026-06-29", weeks=1,
        move_skipped_days=True, **resources(clinic),
    )  # fmt: skip

    saved = clinic.staff.post(
        f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body
    ).json()

    [skipped] = saved["skipped_days"]
    assert (skipped["date"], skipped["moved_to"]) == ("2026-07-03", "2026-07-02")
    assert "Independence Day" in skipped["reason"]
    booked = clinic.staff.get(f"/v1/patients/{patient.patient_id}/appointments").json()["items"]
    assert [a["local_date"] for a in booked] == ["2026-06-29", "2026-07-01", "2026-07-02"]


def test_an_evening_session_stays_at_six_pm_across_the_end_of_daylight_saving(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 10, 1, 12, tzinfo=UTC)
    program = make_track(clinic)
    patient = admit(app, clinic, program)
    body = plan_body(start_date="2026-10-26", weeks=2, **resources(clinic))
    assert (
        clinic.staff.post(
            f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body
        ).status_code
        == 201
    )

    booked = clinic.staff.get(f"/v1/patients/{patient.patient_id}/appointments").json()["items"]

    mondays = {a["local_date"]: a["starts_at"] for a in booked if a["local_date"] in
               ("2026-10-26", "2026-11-02")}  # fmt: skip
    # New York: 18:00 is 22:00 UTC in daylight time and 23:00 UTC after November 1.
    assert datetime.fromisoformat(mondays["2026-10-26"]) == datetime(2026, 10, 26, 22, tzinfo=UTC)
    assert datetime.fromisoformat(mondays["2026-11-02"]) == datetime(2026, 11, 2, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"start_date": "9999-12-20", "weeks": 104}, "start_date"),
        ({"start_date": "9999-12-20"}, "start_date"),
        ({"start_date": "1999-12-31", "weeks": 4}, "start_date"),
        ({"end_date": "2101-01-01"}, "end_date"),
        ({"end_date": "2076-03-02"}, "end_date"),  # fifty years
        ({"end_date": "2028-03-06"}, "end_date"),  # 105 weeks
    ],
)
def test_a_plan_stays_within_the_calendar_and_two_years(
    app: FastAPI, clinic: Clinic, terms: dict[str, Any], field: str
) -> None:
    program = make_track(clinic)
    patient = admit(app, clinic, program)
    body = plan_body(start_date=terms.pop("start_date", "2026-03-02"), **terms)

    saved = clinic.staff.post(f"/v1/admissions/{patient.admission_id}/treatment-plan", json=body)
    dry_run = clinic.ehr.post(
        "/v1/treatment-plans/validate", json=body | {"program_id": program["id"]}
    )

    for response in (saved, dry_run):
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_plan_may_last_exactly_104_weeks(clinic: Clinic) -> None:
    program = make_track(clinic)
    body = plan_body(end_date="2028-02-27") | {"program_id": program["id"]}  # day 728

    assert clinic.staff.post("/v1/treatment-plans/validate", json=body).status_code == 200
