"""The clinic website's "check your insurance": an intake key submits and reads nothing; staff
list, assign, and convert or close; every inquiry is deleted when its retention period is
over."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI

from app.access.models import Organization
from app.context import Context
from app.inquiries import service as inquiries_service
from app.security import Principal, Role
from tests.conftest import FixedClock
from tests.factories import Clinic, audited, client_for, every_get_path, make_key, make_staff

INQUIRY = {
    "given_name": "Jordan", "family_name": "Whitaker", "date_of_birth": "1988-11-02",
    "email": "jordan.whitaker@example.org", "phone": "+1 413 555 0147",
    "payer_name": "Blue Harbor Health Plan", "member_id": "BHP555000111",
    "consents_to_contact": True,
}  # fmt: skip
CONVERSION = {"payer_type": "commercial", "payer_id": "60054", "group_number": "GRP-0042"}


def submit(clinic: Clinic, **overrides: Any) -> str:
    response = clinic.intake.post("/v1/insurance-inquiries", json=INQUIRY | overrides)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def test_the_website_is_told_only_that_its_inquiry_was_received(clinic: Clinic) -> None:
    response = clinic.intake.post("/v1/insurance-inquiries", json=INQUIRY)
    assert response.status_code == 202
    assert set(response.json()) == {"id", "status"}
    assert response.json()["status"] == "received"


def test_an_inquiry_needs_consent_to_be_contacted_and_a_way_to_be_reached(clinic: Clinic) -> None:
    without_consent = INQUIRY | {"consents_to_contact": False}
    unreachable = INQUIRY | {"email": None, "phone": None}
    for body in (without_consent, unreachable):
        response = clinic.intake.post("/v1/insurance-inquiries", json=body)
        assert response.status_code == 422, response.text
    missing = clinic.intake.post("/v1/insurance-inquiries", json=INQUIRY | {"member_id": ""})
    assert missing.status_code == 422
    unborn = clinic.intake.post(
        "/v1/insurance-inquiries", json=INQUIRY | {"date_of_birth": "2027-01-01"}
    )
    assert unborn.json()["errors"][0]["code"] == "in_future"
    assert clinic.staff.get("/v1/insurance-inquiries").json()["total"] == 0


def test_an_intake_key_cannot_read_anything_not_even_its_own_inquiry(
    app: FastAPI, clinic: Clinic
) -> None:
    own = submit(clinic)
    routes = [*every_get_path(app), f"/v1/insurance-inquiries/{own}"]
    assert len(routes) > 40
    answers = {url: clinic.intake.get(url).status_code for url in routes}
    assert {url: code for url, code in answers.items() if code != 403} == {}
    for action in ("assign", "convert", "close"):
        posted = clinic.intake.post(f"/v1/insurance-inquiries/{own}/{action}", json={})
        assert posted.status_code == 403


def test_only_clinic_staff_work_inquiries(app: FastAPI, clinic: Clinic) -> None:
    submit(clinic)
    for role in (Role.payer, Role.ehr):
        assert clinic.as_role(role).get("/v1/insurance-inquiries").status_code == 403
    for role in (Role.staff, Role.clinician, Role.admin):
        assert clinic.as_role(role).get("/v1/insurance-inquiries").json()["total"] == 1
    assert clinic.staff.post("/v1/insurance-inquiries", json=INQUIRY).status_code == 403


def test_staff_assign_and_filter_inquiries_by_status(clinic: Clinic, other_clinic: Clinic) -> None:
    first, second = submit(clinic), submit(clinic, given_name="Casey")
    counselor = make_staff(clinic)
    assigned = clinic.staff.post(
        f"/v1/insurance-inquiries/{first}/assign", json={"staff_member_id": counselor["id"]}
    )
    assert assigned.status_code == 200, assigned.text
    assert (assigned.json()["status"], assigned.json()["assigned_to_staff_id"]) == (
        "assigned",
        counselor["id"],
    )
    listed = clinic.staff.get("/v1/insurance-inquiries", params={"status": "new"}).json()
    assert [item["id"] for item in listed["items"]] == [second]
    read = clinic.staff.get(f"/v1/insurance-inquiries/{second}").json()
    assert read["deleted_after"] == "2026-04-01"  # 30 days after it was received
    assert other_clinic.staff.get(f"/v1/insurance-inquiries/{first}").status_code == 404
    strangers = other_clinic.staff.post(
        f"/v1/insurance-inquiries/{first}/assign", json={"staff_member_id": counselor["id"]}
    )
    assert strangers.status_code == 404


def test_an_inquiry_converted_is_a_patient_with_a_coverage_and_a_verification_request(
    app: FastAPI, clinic: Clinic
) -> None:
    inquiry_id = submit(clinic)
    response = clinic.staff.post(f"/v1/insurance-inquiries/{inquiry_id}/convert", json=CONVERSION)
    assert response.status_code == 201, response.text
    converted = response.json()
    patient, coverage = converted["patient"], converted["coverage"]
    assert (patient["given_name"], patient["family_name"], patient["date_of_birth"]) == (
        "Jordan",
        "Whitaker",
        "1988-11-02",
    )
    assert (patient["email"], patient["phone"]) == (INQUIRY["email"], INQUIRY["phone"])
    assert (coverage["payer_id"], coverage["payer_name"], coverage["member_id"]) == (
        "60054",
        "Blue Harbor Health Plan",
        "BHP555000111",
    )
    assert converted["inquiry"]["status"] == "converted"
    assert converted["inquiry"]["patient_id"] == patient["id"]
    [verification] = clinic.staff.get(
        f"/v1/patients/{patient['id']}/insurance-verifications"
    ).json()
    assert verification["id"] == converted["verification_id"]
    assert (verification["status"], verification["coverage_id"]) == ("pending", coverage["id"])
    payer = client_for(app, make_key(app, clinic.organization_id, Role.payer, payer_id="60054"))
    assert payer.get(f"/v1/insurance-verifications/{verification['id']}").status_code == 200

    again = clinic.staff.post(f"/v1/insurance-inquiries/{inquiry_id}/convert", json=CONVERSION)
    assert again.status_code == 409


def test_a_conversion_that_fails_halfway_leaves_nothing_behind(clinic: Clinic) -> None:
    inquiry_id = submit(clinic)
    # The verification is refused after the patient and the coverage were made: a service
    # period that ended before today, when it would start.
    ended = CONVERSION | {"service_ends_on": "2026-03-01"}
    response = clinic.staff.post(f"/v1/insurance-inquiries/{inquiry_id}/convert", json=ended)
    assert response.status_code == 422, response.text
    assert clinic.staff.get("/v1/patients", params={"name": "Whitaker"}).json()["total"] == 0
    assert clinic.staff.get(f"/v1/insurance-inquiries/{inquiry_id}").json()["status"] == "new"


def test_staff_close_an_inquiry_that_will_not_become_a_patient(
    clinic: Clinic, clock: FixedClock
) -> None:
    followed, waiting = submit(clinic), submit(clinic, given_name="Casey")
    counselor = make_staff(clinic)
    clinic.staff.post(
        f"/v1/insurance-inquiries/{followed}/assign", json={"staff_member_id": counselor["id"]}
    )
    clock.now += timedelta(days=12)
    note = "Three calls and an email over two weeks, no answer."

    response = clinic.staff.post(
        f"/v1/insurance-inquiries/{followed}/close", json={"reason": "unreachable", "note": note}
    )

    assert response.status_code == 200, response.text
    closed = response.json()
    assert (closed["status"], closed["close_reason"], closed["close_note"]) == (
        "closed",
        "unreachable",
        note,
    )
    assert closed["closed_at"] == "2026-03-14T15:00:00Z"
    assert closed["assigned_to_staff_id"] == counselor["id"]  # who followed it up, kept
    assert closed["deleted_after"] == "2026-04-01"  # retained like any other
    queue = clinic.staff.get("/v1/insurance-inquiries", params={"status": "closed"}).json()
    assert [item["id"] for item in queue["items"]] == [followed]
    assigned = clinic.staff.get("/v1/insurance-inquiries", params={"status": "assigned"}).json()
    assert assigned["total"] == 0
    read = clinic.staff.get(f"/v1/insurance-inquiries/{waiting}").json()
    assert (read["status"], read["closed_at"], read["close_reason"]) == ("new", None, None)
    accesses = audited(clinic, resource_type="insurance_inquiry", resource_id=followed)
    assert "transition" in [access["action"] for access in accesses]


def test_a_closed_inquiry_is_done_and_a_converted_one_cannot_be_closed(clinic: Clinic) -> None:
    closed, converted = submit(clinic), submit(clinic, given_name="Casey")
    close = {"reason": "duplicate"}
    assert clinic.staff.post(f"/v1/insurance-inquiries/{closed}/close", json=close).is_success
    counselor = make_staff(clinic)
    attempts = {
        "assign": {"staff_member_id": counselor["id"]},
        "convert": CONVERSION,
        "close": {"reason": "declined"},
    }
    for action, body in attempts.items():
        refused = clinic.staff.post(f"/v1/insurance-inquiries/{closed}/{action}", json=body)
        assert refused.status_code == 409, (action, refused.text)
        assert refused.json()["type"].endswith("/invalid-transition")
        assert refused.json()["current_state"] == "closed"
    read = clinic.staff.get(f"/v1/insurance-inquiries/{closed}").json()
    assert (read["status"], read["close_reason"]) == ("closed", "duplicate")
    assert clinic.staff.get("/v1/patients", params={"name": "Whitaker"}).json()["total"] == 0

    made = clinic.staff.post(f"/v1/insurance-inquiries/{converted}/convert", json=CONVERSION)
    assert made.status_code == 201, made.text
    refused = clinic.staff.post(f"/v1/insurance-inquiries/{converted}/close", json=close)
    assert (refused.status_code, refused.json()["current_state"]) == (409, "converted")
    read = clinic.staff.get(f"/v1/insurance-inquiries/{converted}").json()
    assert (read["status"], read["closed_at"]) == ("converted", None)


def test_a_closure_names_a_known_reason_and_another_reason_says_why(clinic: Clinic) -> None:
    inquiry_id = submit(clinic)
    for body in (
        {"reason": "other"},
        {"reason": "spam"},
        {"reason": "declined", "note": ""},
        {"reason": "declined", "note": "x" * 501},
        {},
    ):
        refused = clinic.staff.post(f"/v1/insurance-inquiries/{inquiry_id}/close", json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["errors"], refused.text
    assert clinic.staff.get(f"/v1/insurance-inquiries/{inquiry_id}").json()["status"] == "new"
    because = {"reason": "other", "note": "Asked for a residential program; referred."}
    closed = clinic.staff.post(f"/v1/insurance-inquiries/{inquiry_id}/close", json=because)
    assert closed.json()["close_note"] == because["note"]


def purge(app: FastAPI, clinic: Clinic) -> int:
    """The daily sweep's purge step, as `iop alerts sweep` runs it."""
    principal = Principal(None, clinic.organization_id, Role.admin, None)
    with app.state.sessionmaker.begin() as session:
        ctx = Context(session, principal, "sweep", app.state.clock())
        return inquiries_service.purge_expired(ctx)


def test_inquiries_are_deleted_when_the_retention_period_is_over(
    app: FastAPI, clinic: Clinic, clock: FixedClock
) -> None:
    submit(clinic)
    clock.now += timedelta(days=20)
    recent = submit(clinic, given_name="Casey")
    clock.now += timedelta(days=10, seconds=1)  # the first is 30 days old, the second 10
    assert purge(app, clinic) == 1
    listed = clinic.staff.get("/v1/insurance-inquiries").json()
    assert [item["id"] for item in listed["items"]] == [recent]

    with app.state.sessionmaker.begin() as session:
        session.get_one(Organization, clinic.organization_id).inquiry_retention_days = 7
    assert purge(app, clinic) == 1
    assert clinic.staff.get("/v1/insurance-inquiries").json()["total"] == 0
    audit = clinic.admin.get(
        "/v1/audit-events", params={"resource_type": "insurance_inquiry", "action": "delete"}
    ).json()
    assert audit["total"] == 2


def test_every_access_to_an_inquiry_is_audited(clinic: Clinic, clock: FixedClock) -> None:
    clock.now = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    inquiry_id = submit(clinic)
    clinic.staff.get("/v1/insurance-inquiries")
    clinic.staff.get(f"/v1/insurance-inquiries/{inquiry_id}")
    accesses = audited(clinic, resource_type="insurance_inquiry", resource_id=inquiry_id)
    assert sorted(access["action"] for access in accesses) == ["create", "list", "read"]
