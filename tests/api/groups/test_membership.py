"""Joining and leaving groups: the ceiling, the waitlist, promotion, criteria, the plan."""

import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from app.admissions.models import Admission
from tests.api.groups.factories import (
    admitted_patient,
    born_years_before,
    join,
    leave,
    make_group,
    make_plan,
    planned_group_ids,
    post_group,
)
from tests.conftest import FixedClock, uses_postgres
from tests.factories import Clinic, audited, if_match, make_admission, make_patient, make_program

WOMEN = [{"attribute": "sex", "operator": "in", "value": ["female"]}]
ADOLESCENTS = [{"attribute": "age", "operator": "between", "value": [13, 17]}]
FIRST_RESPONDERS = [{"attribute": "tags", "operator": "contains", "value": "first_responder"}]


@pytest.fixture
def program(clinic: Clinic) -> dict[str, Any]:
    return make_program(clinic)


def members(clinic: Clinic, group: dict[str, Any]) -> list[tuple[str, str, int | None]]:
    page = clinic.staff.get(f"/v1/groups/{group['id']}/members").json()
    return [(m["patient_id"], m["status"], m["position"]) for m in page["items"]]


def one_seat_group(
    app: FastAPI, clinic: Clinic, program: dict[str, Any], *, waiting: int
) -> tuple[dict[str, Any], uuid.UUID, list[uuid.UUID]]:
    """A one-seat group, its member, and `waiting` patients on its waitlist in arrival order."""
    group = make_group(clinic, program, min_size=1, max_size=1)
    member = admitted_patient(app, clinic, program)
    assert join(clinic.staff, group, member).status_code == 201
    waitlist = [admitted_patient(app, clinic, program) for _ in range(waiting)]
    for patient in waitlist:
        assert join(clinic.staff, group, patient, waitlist=True).status_code == 202
    return group, member, waitlist


def test_an_admitted_patient_enrolls_in_a_group(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program)
    patient = admitted_patient(app, clinic, program)
    response = join(clinic.staff, group, patient)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["position"], body["patient_id"]) == (
        "enrolled",
        None,
        str(patient),
    )
    assert body["enrolled_at"] is not None
    read = clinic.staff.get(f"/v1/groups/{group['id']}").json()
    assert (read["enrolled_count"], read["seats_left"]) == (1, 14)


def test_a_patient_in_treatment_may_join_too(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    patient = admitted_patient(app, clinic, program, admission_status="active")
    assert join(clinic.staff, make_group(clinic, program), patient).status_code == 201


@pytest.mark.parametrize("admission_status", [None, "pending", "discharged"])
def test_a_patient_without_an_approved_or_active_admission_cannot_join(
    app: FastAPI, clinic: Clinic, program: dict[str, Any], admission_status: str | None
) -> None:
    patient = make_patient(app, clinic)
    if admission_status:
        make_admission(
            app, clinic, patient_id=patient, program_id=program["id"], status=admission_status
        )
    response = join(clinic.staff, make_group(clinic, program), patient)
    assert response.status_code == 409
    assert response.json()["type"].endswith("/admission-required")


def test_an_admission_to_another_program_does_not_count(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    day_program = make_program(clinic, name="Adult IOP – Day")
    patient = admitted_patient(app, clinic, day_program)
    response = join(clinic.staff, make_group(clinic, program), patient)
    assert response.status_code == 409
    assert response.json()["type"].endswith("/admission-required")


def test_the_sixteenth_member_is_turned_away_when_the_group_is_full(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program)
    for _ in range(15):
        assert join(clinic.staff, group, admitted_patient(app, clinic, program)).status_code == 201
    response = join(clinic.staff, group, admitted_patient(app, clinic, program))
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/group-full")
    assert clinic.staff.get(f"/v1/groups/{group['id']}").json()["status"] == "full"


def test_sixteenth_member_goes_to_waitlist_in_order_of_arrival(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program, min_size=1, max_size=1)
    member = admitted_patient(app, clinic, program)
    first, second = admitted_patient(app, clinic, program), admitted_patient(app, clinic, program)
    join(clinic.staff, group, member)
    answers = [join(clinic.staff, group, p, waitlist=True) for p in (first, second)]
    assert [a.status_code for a in answers] == [202, 202]
    assert [(a.json()["status"], a.json()["position"]) for a in answers] == [
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    assert members(clinic, group) == [
        (str(member), "enrolled", None),
        (str(first), "waitlisted", 1),
        (str(second), "waitlisted", 2),
    ]
    read = clinic.staff.get(f"/v1/groups/{group['id']}").json()
    assert (read["enrolled_count"], read["waitlisted_count"]) == (1, 2)


def test_a_member_or_waitlisted_patient_cannot_join_again(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group, member, [waiting] = one_seat_group(app, clinic, program, waiting=1)
    for patient in (member, waiting):
        again = join(clinic.staff, group, patient, waitlist=True)
        assert again.status_code == 409
        assert again.json()["type"].endswith("/already-member")


def test_a_freed_seat_goes_to_the_first_waitlisted_patient(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group, member, [first, second] = one_seat_group(app, clinic, program, waiting=2)
    response = leave(clinic.staff, group, member)
    assert response.status_code == 200, response.text
    removal = response.json()
    assert removal["removed"]["status"] == "left"
    assert removal["removed"]["end_reason"] == "Stepped down"
    assert removal["promoted"]["patient_id"] == str(first)
    assert removal["promoted"]["promoted_at"] is not None
    assert removal["passed_over"] == []
    assert members(clinic, group) == [
        (str(first), "enrolled", None),
        (str(second), "waitlisted", 1),
    ]


def test_a_waitlisted_patient_who_no_longer_fits_is_passed_over_not_removed(
    app: FastAPI, clinic: Clinic, program: dict[str, Any], clock: FixedClock
) -> None:
    group = make_group(clinic, program, criteria=ADOLESCENTS, min_size=1, max_size=1)
    member = admitted_patient(app, clinic, program, date_of_birth=born_years_before(15))
    # Turns 18 on 2026-03-10, while waiting.
    turning_18 = admitted_patient(app, clinic, program, date_of_birth=date(2008, 3, 10))
    still_16 = admitted_patient(app, clinic, program, date_of_birth=born_years_before(16))
    join(clinic.staff, group, member)
    join(clinic.staff, group, turning_18, waitlist=True)
    join(clinic.staff, group, still_16, waitlist=True)
    clock.now += timedelta(days=10)
    removal = leave(clinic.staff, group, member).json()
    assert removal["promoted"]["patient_id"] == str(still_16)
    assert removal["passed_over"] == [
        {
            "patient_id": str(turning_18),
            "reason_code": "criteria_not_met",
            "message": "age must be between 13 and 17",
        }
    ]
    assert members(clinic, group) == [
        (str(still_16), "enrolled", None),
        (str(turning_18), "waitlisted", 1),
    ]


def test_a_waitlisted_patient_no_longer_admitted_is_passed_over(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group, member, [discharged] = one_seat_group(app, clinic, program, waiting=1)
    with app.state.sessionmaker.begin() as session:
        session.execute(
            update(Admission).where(Admission.patient_id == discharged).values(status="discharged")
        )
    removal = leave(clinic.staff, group, member).json()
    assert removal["promoted"] is None
    assert [p["reason_code"] for p in removal["passed_over"]] == ["admission_required"]


def test_removing_a_waitlisted_patient_only_shortens_the_waitlist(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group, member, [first, second] = one_seat_group(app, clinic, program, waiting=2)
    removal = leave(clinic.staff, group, first).json()
    assert removal["removed"]["status"] == "removed"
    assert removal["promoted"] is None
    assert members(clinic, group) == [
        (str(member), "enrolled", None),
        (str(second), "waitlisted", 1),
    ]
    assert leave(clinic.staff, group, first).status_code == 404


def test_leaving_needs_a_reason(app: FastAPI, clinic: Clinic, program: dict[str, Any]) -> None:
    group = make_group(clinic, program)
    patient = admitted_patient(app, clinic, program)
    join(clinic.staff, group, patient)
    response = clinic.staff.delete(f"/v1/groups/{group['id']}/members/{patient}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.reason"


def test_a_womens_group_turns_away_a_man_without_repeating_his_record(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program, specialization="women", criteria=WOMEN)
    man = admitted_patient(app, clinic, program, sex="male")
    response = join(clinic.staff, group, man)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/criteria-not-met")
    assert problem["errors"] == [
        {"field": "patient_id", "code": "criteria_not_met", "message": "sex must be one of: female"}
    ]
    woman = admitted_patient(app, clinic, program, sex="female")
    assert join(clinic.staff, group, woman).status_code == 201


@pytest.mark.parametrize(("age", "status"), [(12, 422), (13, 201), (17, 201), (18, 422)])
def test_an_adolescent_group_takes_its_age_range(
    app: FastAPI, clinic: Clinic, program: dict[str, Any], age: int, status: int
) -> None:
    group = make_group(clinic, program, specialization="adolescents", criteria=ADOLESCENTS)
    patient = admitted_patient(app, clinic, program, date_of_birth=born_years_before(age))
    assert join(clinic.staff, group, patient).status_code == status


def test_age_is_counted_on_the_programs_local_date(
    app: FastAPI, clinic: Clinic, program: dict[str, Any], clock: FixedClock
) -> None:
    # 03:00 UTC on 2 March is still the evening of 1 March in Massachusetts: not 18 yet there.
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    group = make_group(clinic, program, criteria=ADOLESCENTS)
    born_2_march_2008 = admitted_patient(app, clinic, program, date_of_birth=date(2008, 3, 2))
    assert join(clinic.staff, group, born_2_march_2008).status_code == 201


def test_a_new_kind_of_group_is_only_data(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(
        clinic, program, specialization="first_responders", criteria=FIRST_RESPONDERS
    )
    firefighter = admitted_patient(app, clinic, program, tags=["first_responder", "co_occurring"])
    accountant = admitted_patient(app, clinic, program, tags=["co_occurring"])
    assert join(clinic.staff, group, firefighter).status_code == 201
    refused = join(clinic.staff, group, accountant)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["message"] == "tags must include first_responder"


def test_membership_reads_and_changes_are_audited(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group, member, [waiting] = one_seat_group(app, clinic, program, waiting=1)
    clinic.staff.get(f"/v1/groups/{group['id']}/members")
    leave(clinic.staff, group, member)

    def actions(patient_id: uuid.UUID) -> list[str]:
        accesses = audited(clinic, patient_id=str(patient_id), resource_type="group_membership")
        return sorted(access["action"] for access in accesses)

    assert actions(member) == ["create", "list", "transition"]
    assert actions(waiting) == ["create", "list", "transition"]


def test_joining_puts_the_groups_meetings_on_the_patients_plan(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program)
    patient = make_patient(app, clinic)
    admission = make_admission(app, clinic, patient_id=patient, program_id=program["id"])
    make_plan(clinic, admission, [individual(day) for day in ("tuesday", "thursday", "friday")])
    assert join(clinic.staff, group, patient).status_code == 201
    assert planned_group_ids(clinic, admission) == [group["id"]] * 2
    leave(clinic.staff, group, patient)
    assert planned_group_ids(clinic, admission) == []


def test_moving_a_groups_meetings_rebooks_members_and_says_why_the_old_ones_went(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program)
    patient = make_patient(app, clinic)
    admission = make_admission(app, clinic, patient_id=patient, program_id=program["id"])
    make_plan(clinic, admission, [individual(day) for day in ("tuesday", "thursday", "friday")])
    join(clinic.staff, group, patient)
    moved = clinic.staff.patch(
        f"/v1/groups/{group['id']}",
        json={"start_time": "19:00"},
        headers=if_match(clinic.staff, f"/v1/groups/{group['id']}"),
    )
    assert moved.status_code == 200, moved.text
    cancelled = clinic.staff.get(
        f"/v1/patients/{patient}/appointments", params={"status": "cancelled", "limit": 200}
    ).json()["items"]
    assert cancelled
    assert {a["cancel_note"] for a in cancelled} == {"The therapy group's meeting times changed."}


def test_a_patient_whose_plan_has_a_session_at_that_time_cannot_join(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program)
    patient = make_patient(app, clinic)
    admission = make_admission(app, clinic, patient_id=patient, program_id=program["id"])
    make_plan(clinic, admission, [individual(day) for day in ("monday", "tuesday", "thursday")])
    response = join(clinic.staff, group, patient)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/plan-violations")
    codes = {violation["code"] for violation in problem["violations"]}
    assert codes & {"overlapping_sessions", "patient_double_booked"}
    assert clinic.staff.get(f"/v1/groups/{group['id']}").json()["enrolled_count"] == 0


def individual(weekday: str) -> dict[str, Any]:
    """Three hours of individual therapy from 17:00: three of them make a 9-hour week."""
    return {
        "weekday": weekday,
        "start_time": "17:00",
        "duration_minutes": 180,
        "kind": "individual",
        "modality": "telehealth",
    }


def test_a_waitlisted_patient_whose_plan_would_break_is_passed_over(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group, member, _ = one_seat_group(app, clinic, program, waiting=0)
    busy = make_patient(app, clinic)
    busy_admission = make_admission(app, clinic, patient_id=busy, program_id=program["id"])
    join(clinic.staff, group, busy, waitlist=True)
    # While waiting, an individual session lands on Monday evening, when the group meets.
    make_plan(clinic, busy_admission, [individual(d) for d in ("monday", "tuesday", "friday")])
    free = admitted_patient(app, clinic, program)
    join(clinic.staff, group, free, waitlist=True)
    removal = leave(clinic.staff, group, member).json()
    assert removal["promoted"]["patient_id"] == str(free)
    assert [(p["patient_id"], p["reason_code"]) for p in removal["passed_over"]] == [
        (str(busy), "plan_violations")
    ]
    assert members(clinic, group) == [(str(free), "enrolled", None), (str(busy), "waitlisted", 1)]


def test_moving_a_group_moves_its_meetings_on_members_plans_or_nothing(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program)
    patient = make_patient(app, clinic)
    admission = make_admission(app, clinic, patient_id=patient, program_id=program["id"])
    make_plan(clinic, admission, [individual(day) for day in ("tuesday", "thursday", "friday")])
    join(clinic.staff, group, patient)
    url = f"/v1/groups/{group['id']}"
    clash = clinic.staff.patch(
        url, json={"weekdays": ["monday", "tuesday"]}, headers=if_match(clinic.staff, url)
    )
    assert clash.status_code == 422
    assert clash.json()["type"].endswith("/plan-violations")
    assert clinic.staff.get(url).json()["weekdays"] == ["monday", "wednesday"]
    moved = clinic.staff.patch(
        url, json={"weekdays": ["wednesday"]}, headers=if_match(clinic.staff, url)
    )
    assert moved.status_code == 200, moved.text
    assert planned_group_ids(clinic, admission) == [group["id"]]


def test_adolescence_follows_the_programs_adult_age(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(
        clinic, program, criteria=[{"attribute": "is_adolescent", "operator": "is_true"}]
    )
    seventeen = admitted_patient(app, clinic, program, date_of_birth=born_years_before(17))
    eighteen = admitted_patient(app, clinic, program, date_of_birth=born_years_before(18))
    assert join(clinic.staff, group, seventeen).status_code == 201
    assert join(clinic.staff, group, eighteen).status_code == 422


def cancel_open_admission(clinic: Clinic, refusal: Any) -> None:
    """End the care a refused deletion names, as staff would before deleting the record."""
    [admission_id] = refusal.json()["open_admission_ids"]
    cancelled = clinic.staff.post(
        f"/v1/admissions/{admission_id}/cancel",
        json={"reason": "Duplicate record"},
        headers=if_match(clinic.staff, f"/v1/admissions/{admission_id}/cancel"),
    )
    assert cancelled.status_code == 200, cancelled.text


def test_a_patient_holding_a_seat_is_not_deleted_until_their_care_ends(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group, member, [next_in_line] = one_seat_group(app, clinic, program, waiting=1)
    refused = clinic.admin.delete(
        f"/v1/patients/{member}", headers=if_match(clinic.admin, f"/v1/patients/{member}")
    )
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"].endswith("/patient-in-care")
    assert len(problem["open_group_membership_ids"]) == 1
    url = f"/v1/groups/{group['id']}"
    assert clinic.staff.get(url).json()["status"] == "full"  # nothing changed
    assert clinic.staff.get(f"/v1/patients/{member}").status_code == 200

    cancel_open_admission(clinic, refused)
    assert (
        clinic.admin.delete(
            f"/v1/patients/{member}", headers=if_match(clinic.admin, f"/v1/patients/{member}")
        ).status_code
        == 204
    )

    members = clinic.staff.get(f"{url}/members").json()["items"]
    assert [(m["patient_id"], m["status"]) for m in members] == [(str(next_in_line), "enrolled")]
    newcomer = admitted_patient(app, clinic, program)
    assert join(clinic.staff, group, newcomer).status_code == 409  # the freed seat was taken


def test_a_waiting_patient_leaves_the_waitlist_before_the_record_is_deleted(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group, member, [waiting, next_in_line] = one_seat_group(app, clinic, program, waiting=2)
    refused = clinic.admin.delete(
        f"/v1/patients/{waiting}", headers=if_match(clinic.admin, f"/v1/patients/{waiting}")
    )
    assert refused.status_code == 409
    cancel_open_admission(clinic, refused)
    assert (
        clinic.admin.delete(
            f"/v1/patients/{waiting}", headers=if_match(clinic.admin, f"/v1/patients/{waiting}")
        ).status_code
        == 204
    )

    removal = leave(clinic.staff, group, member).json()
    assert removal["promoted"]["patient_id"] == str(next_in_line)
    assert removal["passed_over"] == []


def group_membership_actions(clinic: Clinic, patient_id: uuid.UUID) -> list[str]:
    accesses = audited(clinic, patient_id=str(patient_id), resource_type="group_membership")
    return sorted(access["action"] for access in accesses)


def test_judging_a_waitlisted_patient_for_a_freed_seat_is_an_audited_read(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group, member, [discharged, promoted, unreached] = one_seat_group(
        app, clinic, program, waiting=3
    )
    with app.state.sessionmaker.begin() as session:
        session.execute(
            update(Admission).where(Admission.patient_id == discharged).values(status="discharged")
        )
    removal = leave(clinic.staff, group, member).json()
    assert [p["patient_id"] for p in removal["passed_over"]] == [str(discharged)]
    assert group_membership_actions(clinic, discharged) == ["create", "read"]
    assert group_membership_actions(clinic, promoted) == ["create", "transition"]
    assert group_membership_actions(clinic, unreached) == ["create"]


def test_raising_the_maximum_audits_the_waitlisted_patients_it_passes_over(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group, _, [discharged, promoted] = one_seat_group(app, clinic, program, waiting=2)
    with app.state.sessionmaker.begin() as session:
        session.execute(
            update(Admission).where(Admission.patient_id == discharged).values(status="discharged")
        )
    raised = clinic.staff.patch(
        f"/v1/groups/{group['id']}",
        json={"max_size": 2},
        headers=if_match(clinic.staff, f"/v1/groups/{group['id']}"),
    )
    assert raised.json()["enrolled_count"] == 2
    assert group_membership_actions(clinic, discharged) == ["create", "read"]
    assert group_membership_actions(clinic, promoted) == ["create", "transition"]
    # Renaming frees no seat: nobody's record is read.
    clinic.staff.patch(
        f"/v1/groups/{group['id']}",
        json={"name": "Renamed"},
        headers=if_match(clinic.staff, f"/v1/groups/{group['id']}"),
    )
    assert group_membership_actions(clinic, discharged) == ["create", "read"]


@contextmanager
def discharging(app: FastAPI, patient_id: uuid.UUID) -> Iterator[None]:
    """A discharge in progress in another transaction: the patient's admission is locked and
    already marked discharged, committed when the block ends."""
    with app.state.engine.connect() as connection:
        connection.execute(
            select(Admission).where(Admission.patient_id == patient_id).with_for_update()
        )
        connection.execute(
            update(Admission).where(Admission.patient_id == patient_id).values(status="discharged")
        )
        yield
        connection.commit()


def while_discharging(
    app: FastAPI, patient_id: uuid.UUID, request: Callable[[], Any]
) -> dict[str, Any]:
    """Send `request` while the patient is being discharged; its JSON answer."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        with discharging(app, patient_id):
            answer = pool.submit(request)
            time.sleep(0.5)
            assert not answer.done(), "did not wait for the admission's lock"
        response = answer.result(timeout=30)
    body: dict[str, Any] = {"status": response.status_code} | response.json()
    return body


postgres_only = pytest.mark.skipif(
    not uses_postgres(), reason="row locks: SQLite serializes whole transactions"
)


@postgres_only
@pytest.mark.commits  # the discharge's own connection sees only committed rows
def test_a_patient_being_discharged_cannot_join_a_group(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group = make_group(clinic, program)
    patient = admitted_patient(app, clinic, program)
    answer = while_discharging(app, patient, lambda: join(clinic.staff, group, patient))
    assert answer["status"] == 409
    assert answer["type"].endswith("/admission-required")
    assert clinic.staff.get(f"/v1/groups/{group['id']}").json()["enrolled_count"] == 0


@postgres_only
@pytest.mark.commits  # the discharge's own connection sees only committed rows
def test_a_waitlisted_patient_being_discharged_is_passed_over(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    group, member, [waiting] = one_seat_group(app, clinic, program, waiting=1)
    answer = while_discharging(app, waiting, lambda: leave(clinic.staff, group, member))
    assert answer["status"] == 200
    assert answer["promoted"] is None
    assert [p["reason_code"] for p in answer["passed_over"]] == ["admission_required"]


def test_a_closed_cohort_needs_its_first_day_and_takes_no_one_after_it(
    app: FastAPI, clinic: Clinic, program: dict[str, Any], clock: FixedClock
) -> None:
    refused = post_group(clinic, program, admission_type="closed")
    assert refused.status_code == 422
    cohort = make_group(
        clinic, program, admission_type="closed", cohort_starts_on="2026-03-02", min_size=1
    )
    first = admitted_patient(app, clinic, program)
    assert join(clinic.staff, cohort, first).status_code == 201  # on its first day: still in

    clock.now += timedelta(days=1)
    late = admitted_patient(app, clinic, program)
    answer = join(clinic.staff, cohort, late)
    assert answer.status_code == 409
    assert answer.json()["type"].endswith("/cohort-started")
