"""The authorization matrix: every route of the app, every role, what each may do.

Built from `app.routes`, so a new route cannot escape it: `EXPECTED` must name it (the first
test fails until it does). For each route and role: allowed (anything but 401/403) or 403;
without a key 401 with `WWW-Authenticate`; with another organization's ids 404; and no answer
carries an id of the other organization. A new role is a new member of `Role`: every route
refuses it (403) until its row names it.
"""

import uuid
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from app.admissions.examples import AUTHORIZATION_REQUESTS, REQUESTS
from app.security import Role
from tests.api.scheduling.factories import plan_body
from tests.api.security.dataset import Dataset, ids_in

admin, staff, clinician, ehr, payer, intake = (
    Role.admin, Role.staff, Role.clinician, Role.ehr, Role.payer, Role.intake
)  # fmt: skip
ADMIN = frozenset({admin})
RUN = frozenset({admin, staff, clinician})  # run the clinic
READ = RUN | {ehr}  # read the clinic
PARTNER = frozenset({payer})
WEBSITE = frozenset({intake})
PUBLIC = None  # no key needed

Route = tuple[str, str]
EXPECTED: dict[Route, frozenset[Role] | None] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/fhir/R4/metadata"): PUBLIC,
    ("GET", "/v1/me"): frozenset(Role) - WEBSITE,  # the website's key reads nothing
    ("POST", "/v1/api-keys"): ADMIN,
    ("GET", "/v1/api-keys"): ADMIN,
    ("DELETE", "/v1/api-keys/{key_id}"): ADMIN,
    ("POST", "/v1/patients"): READ,
    ("GET", "/v1/patients"): READ,
    ("GET", "/v1/patients/{patient_id}"): READ,
    ("PATCH", "/v1/patients/{patient_id}"): READ,
    ("DELETE", "/v1/patients/{patient_id}"): ADMIN,
    ("POST", "/v1/patients/{patient_id}/consents"): READ,
    ("GET", "/v1/patients/{patient_id}/consents"): READ,
    ("POST", "/v1/patients/{patient_id}/consents/{consent_id}/revoke"): READ,
    ("POST", "/v1/patients/{patient_id}/coverages"): RUN,
    ("GET", "/v1/patients/{patient_id}/coverages"): READ,
    ("GET", "/v1/patients/{patient_id}/coverages/{coverage_id}"): READ,
    ("PATCH", "/v1/patients/{patient_id}/coverages/{coverage_id}"): RUN,
    ("DELETE", "/v1/patients/{patient_id}/coverages/{coverage_id}"): RUN,
    ("POST", "/v1/eligibility/evaluations"): RUN,
    ("POST", "/v1/admissions"): RUN,
    ("GET", "/v1/admissions"): READ,
    ("GET", "/v1/admissions/{admission_id}"): READ,
    ("POST", "/v1/admissions/{admission_id}/approve"): frozenset({clinician}),
    ("POST", "/v1/admissions/{admission_id}/start"): RUN,
    ("POST", "/v1/admissions/{admission_id}/hold"): RUN,
    ("POST", "/v1/admissions/{admission_id}/resume"): RUN,
    ("POST", "/v1/admissions/{admission_id}/discharge"): RUN,
    ("POST", "/v1/admissions/{admission_id}/cancel"): RUN,
    ("POST", "/v1/admissions/{admission_id}/assessments"): RUN,
    ("GET", "/v1/admissions/{admission_id}/assessments"): READ,
    ("GET", "/v1/admissions/{admission_id}/transitions"): READ,
    ("POST", "/v1/admissions/{admission_id}/authorizations"): PARTNER,
    ("GET", "/v1/admissions/{admission_id}/authorizations"): READ,
    ("POST", "/v1/admissions/{admission_id}/drug-screens"): RUN,
    ("GET", "/v1/admissions/{admission_id}/drug-screens"): READ,
    ("POST", "/v1/admissions/{admission_id}/assignments"): RUN,
    ("GET", "/v1/admissions/{admission_id}/assignments"): READ,
    ("GET", "/v1/admissions/{admission_id}/assignments/{assignment_id}"): READ,
    ("PATCH", "/v1/admissions/{admission_id}/assignments/{assignment_id}"): RUN,
    ("POST", "/v1/admissions/{admission_id}/assignments/{assignment_id}/complete"): RUN,
    ("POST", "/v1/admissions/{admission_id}/case-tasks"): RUN,
    ("GET", "/v1/admissions/{admission_id}/case-tasks"): READ,
    ("GET", "/v1/admissions/{admission_id}/case-tasks/{task_id}"): READ,
    ("PATCH", "/v1/admissions/{admission_id}/case-tasks/{task_id}"): RUN,
    ("POST", "/v1/programs"): ADMIN,
    ("GET", "/v1/programs"): READ,
    ("GET", "/v1/programs/{program_id}"): READ,
    ("PATCH", "/v1/programs/{program_id}"): ADMIN,
    ("PUT", "/v1/programs/{program_id}/settings"): ADMIN,
    ("GET", "/v1/programs/{program_id}/settings/versions"): READ,
    ("POST", "/v1/staff"): ADMIN,
    ("GET", "/v1/staff"): READ,
    ("GET", "/v1/staff/{staff_id}"): READ,
    ("PATCH", "/v1/staff/{staff_id}"): ADMIN,
    ("POST", "/v1/rooms"): ADMIN,
    ("GET", "/v1/rooms"): READ,
    ("GET", "/v1/rooms/{room_id}"): READ,
    ("PATCH", "/v1/rooms/{room_id}"): ADMIN,
    ("POST", "/v1/groups"): RUN,
    ("GET", "/v1/groups"): READ,
    ("POST", "/v1/groups/sizing"): RUN,
    ("GET", "/v1/groups/{group_id:uuid}"): READ,
    ("PATCH", "/v1/groups/{group_id:uuid}"): RUN,
    ("POST", "/v1/groups/{group_id}/close"): RUN,
    ("GET", "/v1/groups/{group_id}/members"): READ,
    ("POST", "/v1/groups/{group_id}/members"): RUN,
    ("DELETE", "/v1/groups/{group_id}/members/{patient_id}"): RUN,
    ("POST", "/v1/treatment-plans/validate"): READ,
    ("POST", "/v1/admissions/{admission_id}/treatment-plan"): RUN,
    ("GET", "/v1/admissions/{admission_id}/treatment-plan"): READ,
    ("GET", "/v1/admissions/{admission_id}/treatment-plans"): READ,
    ("GET", "/v1/patients/{patient_id}/appointments"): READ,
    ("GET", "/v1/appointments"): READ,
    ("GET", "/v1/appointments/{appointment_id}"): READ,
    ("PATCH", "/v1/appointments/{appointment_id}"): RUN,
    ("GET", "/v1/patients/{patient_id}/calendar.ics"): READ,
    ("GET", "/v1/staff/{staff_id}/calendar.ics"): READ,
    ("POST", "/v1/cost-estimates"): RUN,
    ("GET", "/v1/cost-estimates/{estimate_id}"): READ,
    ("POST", "/v1/good-faith-estimates"): RUN,
    ("GET", "/v1/good-faith-estimates/{estimate_id}"): READ,
    ("POST", "/v1/insurance-verifications"): RUN,
    ("GET", "/v1/patients/{patient_id}/insurance-verifications"): READ,
    ("POST", "/v1/insurance-verifications/{verification_id}/cancel"): RUN,
    ("GET", "/v1/insurance-verifications"): PARTNER,
    ("GET", "/v1/insurance-verifications/{verification_id}"): PARTNER,
    ("POST", "/v1/insurance-verifications/{verification_id}/start"): PARTNER,
    ("GET", "/v1/insurance-verifications/{verification_id}/x12-270"): PARTNER,
    ("POST", "/v1/insurance-verifications/{verification_id}/result"): PARTNER,
    ("POST", "/v1/insurance-inquiries"): WEBSITE,
    ("GET", "/v1/insurance-inquiries"): RUN,
    ("GET", "/v1/insurance-inquiries/{inquiry_id}"): RUN,
    ("POST", "/v1/insurance-inquiries/{inquiry_id}/assign"): RUN,
    ("POST", "/v1/insurance-inquiries/{inquiry_id}/convert"): RUN,
    ("POST", "/v1/insurance-inquiries/{inquiry_id}/close"): RUN,
    ("PUT", "/v1/appointments/{appointment_id}/attendance"): RUN,
    ("GET", "/v1/appointments/{appointment_id}/attendance"): READ,
    ("PUT", "/v1/groups/{group_id}/meetings/{date}/attendance"): RUN,
    ("GET", "/v1/groups/{group_id}/meetings/{date}/attendance"): READ,
    ("POST", "/v1/attendance/batch"): RUN,
    ("GET", "/v1/admissions/{admission_id}/attendance-summary"): READ,
    ("GET", "/v1/programs/{program_id}/day-sheet"): READ,
    ("GET", "/v1/alerts"): READ,
    ("POST", "/v1/alerts/{alert_id}/acknowledge"): RUN,
    ("POST", "/v1/alerts/{alert_id}/resolve"): RUN,
    ("GET", "/v1/audit-events"): ADMIN,
    ("GET", "/v1/audit-events/verification"): ADMIN,
    ("POST", "/v1/webhook-subscriptions"): ADMIN,
    ("GET", "/v1/webhook-subscriptions"): ADMIN,
    ("GET", "/v1/webhook-subscriptions/{subscription_id}"): ADMIN,
    ("PATCH", "/v1/webhook-subscriptions/{subscription_id}"): ADMIN,
    ("POST", "/v1/webhook-subscriptions/{subscription_id}/pause"): ADMIN,
    ("POST", "/v1/webhook-subscriptions/{subscription_id}/resume"): ADMIN,
    ("POST", "/v1/webhook-subscriptions/{subscription_id}/rotate-secret"): ADMIN,
    ("DELETE", "/v1/webhook-subscriptions/{subscription_id}"): ADMIN,
    ("GET", "/v1/webhook-subscriptions/{subscription_id}/deliveries"): ADMIN,
    ("GET", "/v1/webhook-deliveries/{delivery_id}"): ADMIN,
    ("POST", "/v1/webhook-deliveries/{delivery_id}/redeliver"): ADMIN,
    ("GET", "/fhir/R4/Patient"): READ,
    ("GET", "/fhir/R4/Patient/{patient_id}"): READ,
    ("POST", "/fhir/R4/Patient"): READ,
    ("PUT", "/fhir/R4/Patient"): READ,
    ("GET", "/fhir/R4/EpisodeOfCare"): READ,
    ("GET", "/fhir/R4/EpisodeOfCare/{episode_id}"): READ,
    ("GET", "/fhir/R4/Appointment"): READ,
    ("GET", "/fhir/R4/Appointment/{appointment_id}"): READ,
    ("GET", "/fhir/R4/Encounter"): READ,
    ("GET", "/fhir/R4/Encounter/{encounter_id}"): READ,
    ("GET", "/fhir/R4/Group"): READ,
    ("GET", "/fhir/R4/Group/{group_id}"): READ,
    ("GET", "/fhir/R4/Coverage"): READ,
    ("GET", "/fhir/R4/Coverage/{coverage_id}"): READ,
    # FHIR's answer to an interaction it does not offer (404 or 405 OperationOutcome).
    **{(method, "/fhir/R4/{path:path}"): PUBLIC
       for method in ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")},
}  # fmt: skip

# Bodies valid in shape, so that a write reaches the records it names (a 422 for the shape
# would say nothing about the organization). Filled with the caller's ids by `Dataset.fill`.
ELIGIBLE = REQUESTS["eligible"][1]
BODIES: dict[Route, Any] = {
    ("POST", "/v1/admissions/{admission_id}/approve"): {
        "authorized_days": 20, "authorization_starts_on": "2026-03-02",
        "authorization_ends_on": "2026-04-30", "next_review_on": "2026-03-30"},
    ("POST", "/v1/admissions/{admission_id}/start"): {},
    ("POST", "/v1/admissions/{admission_id}/hold"): {"reason": "Hospital stay"},
    ("POST", "/v1/admissions/{admission_id}/resume"): {"reason": "Back"},
    ("POST", "/v1/admissions/{admission_id}/cancel"): {"reason": "Moved away"},
    ("POST", "/v1/admissions/{admission_id}/discharge"): {"type": "completed", "reason": "Done"},
    ("POST", "/v1/admissions/{admission_id}/assessments"): {"assessment": ELIGIBLE},
    ("POST", "/v1/admissions/{admission_id}/treatment-plan"): plan_body(weeks=2),
    ("PATCH", "/v1/patients/{patient_id}"): {},
    ("POST", "/v1/patients/{patient_id}/consents"): {
        "recipient": "Blue Harbor Health Plan", "purposes": ["payment"],
        "information": "Dates of service", "signed_on": "2026-03-02"},
    ("POST", "/v1/patients/{patient_id}/consents/{consent_id}/revoke"): None,
    ("POST", "/v1/patients/{patient_id}/coverages"): {"payer_type": "self_pay"},
    ("PATCH", "/v1/patients/{patient_id}/coverages/{coverage_id}"): {},
    ("PATCH", "/v1/programs/{program_id}"): {},
    ("PUT", "/v1/programs/{program_id}/settings"): {},
    ("PATCH", "/v1/staff/{staff_id}"): {},
    ("PATCH", "/v1/rooms/{room_id}"): {},
    ("PATCH", "/v1/groups/{group_id:uuid}"): {},
    ("POST", "/v1/groups/{group_id}/members"): {"patient_id": "{patient_id}"},
    ("PATCH", "/v1/appointments/{appointment_id}"): {"staff_id": "{staff_id}"},
    ("PUT", "/v1/appointments/{appointment_id}/attendance"): {"status": "present"},
    ("PUT", "/v1/groups/{group_id}/meetings/{date}/attendance"): {
        "marks": [{"patient_id": "{patient_id}", "status": "present"}]},
    ("POST", "/v1/alerts/{alert_id}/resolve"): {},
    ("POST", "/v1/insurance-verifications/{verification_id}/result"): {
        "status": "failed", "failure_reason": "Member not found"},
    ("POST", "/v1/insurance-verifications/{verification_id}/cancel"): None,
    ("PATCH", "/v1/webhook-subscriptions/{subscription_id}"): {},
    ("POST", "/v1/admissions/{admission_id}/authorizations"):
        AUTHORIZATION_REQUESTS["initial"][1],
    ("POST", "/v1/admissions/{admission_id}/drug-screens"): {
        "collected_on": "2026-03-02", "result": "negative"},
    ("POST", "/v1/admissions/{admission_id}/assignments"): {
        "kind": "reading", "title": "Chapter 3", "due_on": "2026-03-09"},
    ("PATCH", "/v1/admissions/{admission_id}/assignments/{assignment_id}"): {},
    ("POST", "/v1/admissions/{admission_id}/case-tasks"): {
        "category": "housing", "title": "Sober living options", "owner_staff_id": "{staff_id}"},
    ("PATCH", "/v1/admissions/{admission_id}/case-tasks/{task_id}"): {},
    ("POST", "/v1/insurance-inquiries"): {
        "given_name": "Sam", "family_name": "Ortiz", "date_of_birth": "1987-06-01",
        "phone": "+1 413 555 0177", "payer_name": "Blue Harbor Health Plan",
        "member_id": "BHP000111222", "consents_to_contact": True},
    ("POST", "/v1/insurance-inquiries/{inquiry_id}/assign"): {"staff_member_id": "{staff_id}"},
    ("POST", "/v1/insurance-inquiries/{inquiry_id}/convert"): {
        "payer_type": "commercial", "payer_id": "payer-demo"},
    ("POST", "/v1/insurance-inquiries/{inquiry_id}/close"): {"reason": "duplicate"},
}  # fmt: skip

# Query parameters a route requires.
QUERIES: dict[Route, dict[str, str]] = {
    ("DELETE", "/v1/groups/{group_id}/members/{patient_id}"): {"reason": "Moved to a day track"},
    ("GET", "/v1/programs/{program_id}/day-sheet"): {"date": "2026-03-02"},
}


# Object routes whose record does not exist for the dataset either: no alert was raised, no
# delivery made, no attendance marked (so no Encounter), and the patient is in no group.
ABSENT: set[Route] = {
    ("POST", "/v1/alerts/{alert_id}/acknowledge"),
    ("POST", "/v1/alerts/{alert_id}/resolve"),
    ("GET", "/v1/webhook-deliveries/{delivery_id}"),
    ("POST", "/v1/webhook-deliveries/{delivery_id}/redeliver"),
    ("GET", "/v1/appointments/{appointment_id}/attendance"),
    ("GET", "/fhir/R4/Encounter/{encounter_id}"),
    ("DELETE", "/v1/groups/{group_id}/members/{patient_id}"),
}


def first_allowed(route: Route) -> Role:
    roles = EXPECTED[route]
    assert roles is not None
    return min(roles, key=list(Role).index)


def app_routes(app: FastAPI) -> Iterator[Route]:
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        for method in sorted(context.methods or ()):
            if method != "HEAD" or path.startswith("/fhir/"):
                yield method, path


def object_route(route: Route) -> bool:
    return "{" in route[1] and "{path:path}" not in route[1]


MATRIX = [route for route, roles in EXPECTED.items() if roles is not PUBLIC]


def call(client: TestClient, route: Route, dataset: Dataset, body_ids: Dataset) -> httpx2.Response:
    method, template = route
    body = BODIES.get(route)
    if body is None and method in ("POST", "PUT", "PATCH"):
        body = {}
    response: httpx2.Response = client.request(
        method, dataset.path(template), json=body_ids.fill(body), params=QUERIES.get(route)
    )
    return response


def test_every_route_is_in_the_matrix(app: FastAPI) -> None:
    assert set(app_routes(app)) == set(EXPECTED)


@pytest.mark.parametrize("route", MATRIX, ids=" ".join)
def test_each_role_may_do_what_its_row_says(
    app: FastAPI, datasets: tuple[Dataset, Dataset], route: Route
) -> None:
    own, other = datasets
    allowed = EXPECTED[route]
    assert allowed is not None
    answers = {}
    for role in Role:
        response = call(own.clinic.as_role(role), route, own, own)
        answers[role] = response.status_code
        assert response.headers["x-content-type-options"] == "nosniff"
        # No answer, allowed or not, shows another organization's records.
        assert not ids_in(response.text) & other.every_id, (role, response.text)
    refused = {role for role, status in answers.items() if status == 403}
    assert refused == set(Role) - allowed, answers
    assert 401 not in answers.values(), answers
    if object_route(route) and route not in ABSENT:
        # The caller's own ids are found, so the 404 for another organization's ids below
        # comes from the organization alone.
        assert answers[first_allowed(route)] != 404, answers


@pytest.mark.parametrize("route", MATRIX, ids=" ".join)
def test_without_a_key_the_answer_is_401_with_a_challenge(
    client: TestClient, datasets: tuple[Dataset, Dataset], route: Route
) -> None:
    own, _other = datasets
    response = client.request(route[0], own.path(route[1]))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("route", [r for r in MATRIX if object_route(r)], ids=" ".join)
def test_another_organizations_ids_are_not_found(
    app: FastAPI, datasets: tuple[Dataset, Dataset], route: Route
) -> None:
    own, other = datasets
    roles = EXPECTED[route]
    assert roles is not None
    response = call(own.clinic.as_role(first_allowed(route)), route, other, other)
    assert response.status_code == 404, response.text
    assert not ids_in(response.text) & (other.every_id - ids_in(other.path(route[1])))


GFE_PROVIDER = {"name": "Matrix Recovery", "npi": "1234567893", "tin": "12-3456789",
                "location": "12 Mill Street, Springfield, MA 01103"}  # fmt: skip
# Writes naming records in their body: with one id of another organization (`other:`), each
# answers 404 as if the record did not exist, and changes nothing.
BODY_IDS: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/v1/admissions",
     {"patient_id": "{other:patient_id}", "program_id": "{program_id}", "assessment": ELIGIBLE}),
    ("POST", "/v1/admissions",
     {"patient_id": "{patient_id}", "program_id": "{other:program_id}", "assessment": ELIGIBLE}),
    ("POST", "/v1/groups/{group_id}/members", {"patient_id": "{other:patient_id}"}),
    ("POST", "/v1/groups",
     {"program_id": "{other:program_id}", "name": "Process", "topic": "process",
      "weekdays": ["tuesday"], "start_time": "18:00", "duration_minutes": 90,
      "room_id": "{room_id}"}),
    ("POST", "/v1/groups",
     {"program_id": "{program_id}", "name": "Process", "topic": "process",
      "weekdays": ["tuesday"], "start_time": "18:00", "duration_minutes": 90,
      "room_id": "{room_id}", "facilitator_id": "{other:staff_id}"}),
    ("POST", "/v1/groups",
     {"program_id": "{program_id}", "name": "Process", "topic": "process",
      "weekdays": ["tuesday"], "start_time": "18:00", "duration_minutes": 90,
      "room_id": "{other:room_id}"}),
    ("POST", "/v1/groups/sizing", {"program_id": "{other:program_id}", "counts": {"general": 9}}),
    ("POST", "/v1/groups/sizing",
     {"program_id": "{program_id}", "patients": [{"patient_id": "{other:patient_id}"}]}),
    ("POST", "/v1/insurance-verifications",
     {"patient_id": "{patient_id}", "coverage_id": "{other:coverage_id}"}),
    ("POST", "/v1/insurance-verifications",
     {"patient_id": "{other:patient_id}", "coverage_id": "{other:coverage_id}"}),
    ("POST", "/v1/cost-estimates",
     {"price_per_day": "300.00", "treatment_days": 5, "coverage_id": "{other:coverage_id}"}),
    ("POST", "/v1/cost-estimates",
     {"price_per_day": "300.00", "admission_id": "{other:admission_id}"}),
    ("POST", "/v1/good-faith-estimates",
     {"patient_id": "{other:patient_id}", "program_id": "{program_id}", "treatment_days": 30,
      "requested_on": "2026-03-02", "provider": GFE_PROVIDER}),
    ("POST", "/v1/good-faith-estimates",
     {"patient_id": "{patient_id}", "program_id": "{other:program_id}", "treatment_days": 30,
      "requested_on": "2026-03-02", "provider": GFE_PROVIDER}),
    ("POST", "/v1/admissions/{admission_id}/treatment-plan",
     plan_body(weeks=2, staff_id="{other:staff_id}")),
    ("POST", "/v1/admissions/{admission_id}/treatment-plan",
     plan_body(weeks=2, room_id="{other:room_id}")),
    ("POST", "/v1/treatment-plans/validate",
     plan_body(weeks=2) | {"program_id": "{other:program_id}"}),
    ("PATCH", "/v1/appointments/{appointment_id}", {"staff_id": "{other:staff_id}"}),
    ("PATCH", "/v1/appointments/{appointment_id}", {"room_id": "{other:room_id}"}),
    ("PUT", "/v1/groups/{group_id}/meetings/{date}/attendance",
     {"marks": [{"patient_id": "{other:patient_id}", "status": "present"}]}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "template", "body"), BODY_IDS, ids=lambda v: str(v)[:40])
def test_another_organizations_ids_in_a_body_are_as_unknown_as_no_record(
    app: FastAPI,
    datasets: tuple[Dataset, Dataset],
    method: str,
    template: str,
    body: dict[str, Any],
) -> None:
    """404, or the 422 naming the field that a list of sessions or marks answers: the same
    answer as for an id that exists nowhere, so ids reveal nothing across organizations."""
    own, other = datasets
    nowhere = {f"other:{name}": str(uuid.uuid4()) for name in other.ids}
    answers = []
    for ids in ({f"other:{k}": v for k, v in other.ids.items()}, nowhere):
        filled = Dataset(own.clinic, own.ids | ids).fill(body)
        # `*` passes any version: the body's ids, not the precondition, decide the answer.
        response = own.clinic.staff.request(
            method, own.path(template), json=filled, headers={"If-Match": "*"}
        )
        assert response.status_code in (404, 422), response.text
        problem = response.json()
        for error in problem.get("errors") or []:
            assert error["code"] != "missing", problem  # the body reached the records
        answers.append((response.status_code, problem["type"], len(problem.get("errors") or [])))
    assert answers[0] == answers[1]
