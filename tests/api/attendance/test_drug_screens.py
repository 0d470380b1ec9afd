"""Drug screens during treatment: recorded in treatment only, a positive one raising its alert
once and applying the program's policy in the attendance summary."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.events.models import DomainEventRecord
from app.security import Role
from app.webhooks import catalog
from tests.api.scheduling.factories import Admitted, admit, make_track
from tests.conftest import FixedClock
from tests.factories import Clinic, audited, if_match

from .test_alerts import open_alerts, sweep

POSITIVE = {"collected_on": "2026-03-04", "result": "positive", "substances": ["opiates"]}
NEGATIVE = {"collected_on": "2026-03-05", "result": "negative"}


def in_treatment(
    app: FastAPI, clinic: Clinic, program: dict[str, Any] | None = None, **admission: Any
) -> Admitted:
    """A patient whose treatment started on Monday 2 March 2026."""
    fields = {"status": "active", "started_on": date(2026, 3, 2)} | admission
    return admit(app, clinic, program or make_track(clinic), **fields)


def record(clinic: Clinic, patient: Admitted, body: dict[str, Any]) -> dict[str, Any]:
    url = f"/v1/admissions/{patient.admission_id}/drug-screens"
    response = clinic.clinician.post(url, json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def summary(clinic: Clinic, patient: Admitted) -> dict[str, Any]:
    response = clinic.staff.get(f"/v1/admissions/{patient.admission_id}/attendance-summary")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def _thursday(clock: FixedClock) -> None:
    clock.now = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)


def test_a_screen_is_recorded_with_who_recorded_it_and_listed_by_collection_day(
    app: FastAPI, clinic: Clinic
) -> None:
    patient = in_treatment(app, clinic)
    record(clinic, patient, NEGATIVE)
    positive = record(clinic, patient, POSITIVE | {"note": "Observed sample."})

    listed = clinic.ehr.get(f"/v1/admissions/{patient.admission_id}/drug-screens")

    assert listed.status_code == 200
    assert [s["collected_on"] for s in listed.json()] == ["2026-03-04", "2026-03-05"]
    assert positive["substances"] == ["opiates"]
    assert positive["action"] == "review"  # the program's default policy
    assert positive["recorded_by_key_id"] is not None
    assert positive["recorded_at"] == "2026-03-05T15:00:00Z"


def test_a_positive_screen_raises_its_alert_once_and_calls_for_review(
    app: FastAPI, clinic: Clinic
) -> None:
    patient = in_treatment(app, clinic)
    screen = record(clinic, patient, POSITIVE)
    sweep(app, clinic)
    sweep(app, clinic)

    alerts = open_alerts(clinic, code="positive_drug_screen")
    after = summary(clinic, patient)

    assert len(alerts) == 1
    assert alerts[0]["admission_id"] == str(patient.admission_id)
    assert "opiates" not in alerts[0]["message"]  # the substances stay in the screen's record
    assert after["status"] == "at_risk"
    assert after["suggested_discharge_type"] is None
    assert "positive_drug_screen" in {r["code"] for r in after["reasons"]}
    assert screen["action"] == "review"


def test_each_positive_screen_raises_its_own_alert_even_one_collected_before_a_negative(
    app: FastAPI, clinic: Clinic
) -> None:
    patient = in_treatment(app, clinic)
    record(clinic, patient, NEGATIVE)
    record(clinic, patient, POSITIVE)  # collected the day before the negative one
    record(clinic, patient, POSITIVE | {"collected_on": "2026-03-05"})
    sweep(app, clinic)

    assert len(open_alerts(clinic, code="positive_drug_screen")) == 2


def test_negative_and_inconclusive_screens_raise_nothing(app: FastAPI, clinic: Clinic) -> None:
    patient = in_treatment(app, clinic)
    record(clinic, patient, NEGATIVE)
    record(clinic, patient, {"collected_on": "2026-03-05", "result": "inconclusive"})

    assert open_alerts(clinic, code="positive_drug_screen") == []
    assert summary(clinic, patient)["status"] == "compliant"


def test_a_program_whose_policy_discharges_has_the_summary_recommend_an_administrative_one(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    settings = program["settings"] | {"positive_drug_screen_action": "recommend_discharge"}
    url = f"/v1/programs/{program['id']}/settings"
    assert clinic.admin.put(url, json=settings, headers=if_match(clinic.admin, url)).is_success
    patient = in_treatment(app, clinic, program, settings_version=2)

    screen = record(clinic, patient, POSITIVE)
    recommended = summary(clinic, patient)
    record(clinic, patient, NEGATIVE)  # a later screen that is not positive
    cleared = summary(clinic, patient)

    assert screen["action"] == "recommend_discharge"
    assert recommended["status"] == "pending_discharge"
    assert recommended["suggested_discharge_type"] == "administrative"
    assert cleared["status"] == "compliant"
    assert len(open_alerts(clinic, code="positive_drug_screen")) == 1


def test_a_screen_is_audited_and_published_by_ids_only(app: FastAPI, clinic: Clinic) -> None:
    patient = in_treatment(app, clinic)
    screen = record(clinic, patient, POSITIVE)
    clinic.staff.get(f"/v1/admissions/{patient.admission_id}/drug-screens")

    accesses = audited(clinic, patient_id=str(patient.patient_id))
    with app.state.sessionmaker() as session:
        events = session.scalars(
            select(DomainEventRecord).where(DomainEventRecord.type == "drug_screen.recorded")
        ).all()

    actions = [a["action"] for a in accesses if a["resource_type"] == "drug_screen"]
    assert sorted(actions) == ["create", "list"]
    [event] = events
    assert event.subject == {"drug_screen_id": screen["id"], "admission_id": screen["admission_id"]}
    published = catalog.payload(
        str(event.id), event.type, "2026-03-05T15:00:00Z", event.subject, str(patient.patient_id)
    )
    assert published["type"] == "drug_screen.recorded"
    assert set(published["data"]) == {"drug_screen_id", "admission_id", "patient_id"}


@pytest.mark.parametrize(
    ("status", "started_on", "problem"),
    [
        ("approved", None, "admission-not-started"),
        ("pending", None, "admission-not-started"),
        ("discharged", date(2026, 3, 2), "admission-closed"),
        ("cancelled", None, "admission-closed"),
    ],
)
def test_a_screen_is_refused_outside_treatment(
    app: FastAPI, clinic: Clinic, status: str, started_on: date | None, problem: str
) -> None:
    patient = in_treatment(app, clinic, status=status, started_on=started_on)
    url = f"/v1/admissions/{patient.admission_id}/drug-screens"

    response = clinic.clinician.post(url, json=POSITIVE)

    assert response.status_code == 409
    assert response.json()["type"].endswith(problem)
    assert clinic.staff.get(url).json() == []
    assert open_alerts(clinic, code="positive_drug_screen") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (POSITIVE | {"collected_on": "2026-03-01"}, "collected_on"),  # before treatment
        (POSITIVE | {"collected_on": "2026-03-06"}, "collected_on"),  # tomorrow
        ({"collected_on": "2026-03-04", "result": "positive"}, None),  # no substances
        (NEGATIVE | {"substances": ["cocaine"]}, None),
        (NEGATIVE | {"result": "dilute"}, "result"),
    ],
)
def test_a_screen_that_makes_no_sense_is_a_422_naming_the_field(
    app: FastAPI, clinic: Clinic, body: dict[str, Any], field: str | None
) -> None:
    patient = in_treatment(app, clinic)
    url = f"/v1/admissions/{patient.admission_id}/drug-screens"

    response = clinic.clinician.post(url, json=body)

    assert response.status_code == 422, response.text
    if field is not None:
        assert field in {e["field"].split(".")[-1] for e in response.json()["errors"]}
    assert clinic.staff.get(url).json() == []


@pytest.mark.parametrize(("role", "status"), [("ehr", 403), ("payer", 403), ("staff", 201)])
def test_clinic_roles_record_screens_and_payers_never_see_them(
    app: FastAPI, clinic: Clinic, role: str, status: int
) -> None:
    patient = in_treatment(app, clinic)
    url = f"/v1/admissions/{patient.admission_id}/drug-screens"

    assert clinic.as_role(Role(role)).post(url, json=NEGATIVE).status_code == status
    assert clinic.payer.get(url).status_code == 403


def test_another_clinic_cannot_see_or_record_a_screen(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic
) -> None:
    patient = in_treatment(app, clinic)
    url = f"/v1/admissions/{patient.admission_id}/drug-screens"
    record(clinic, patient, NEGATIVE)

    assert other_clinic.staff.get(url).status_code == 404
    assert other_clinic.clinician.post(url, json=NEGATIVE).status_code == 404
    missing = f"/v1/admissions/{uuid.uuid4()}/drug-screens"
    assert clinic.staff.get(missing).status_code == 404
