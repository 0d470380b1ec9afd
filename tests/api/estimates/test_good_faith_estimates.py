"""Good Faith Estimates: every element the No Surprises Act asks for, in JSON, HTML and PDF."""

import io
from typing import Any

import pytest
from fastapi import FastAPI
from pypdf import PdfReader

from tests.factories import Clinic, audited, if_match, make_patient, make_program

PROVIDER = {
    "name": "Riverbend Recovery",
    "npi": "1234567893",
    "tin": "12-3456789",
    "location": "12 Mill Street, Springfield, MA 01103",
}


def issue(clinic: Clinic, **body: Any) -> dict[str, Any]:
    response = clinic.staff.post("/v1/good-faith-estimates", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def gfe(app: FastAPI, clinic: Clinic) -> dict[str, Any]:
    program = make_program(clinic)
    settings = program["settings"] | {"self_pay_discount_rate": "0.10"}
    clinic.admin.put(
        f"/v1/programs/{program['id']}/settings",
        json=settings,
        headers=if_match(clinic.admin, f"/v1/programs/{program['id']}/settings"),
    )
    patient_id = make_patient(app, clinic, given_name="Zoë", family_name="Łukasik")
    return issue(clinic, patient_id=str(patient_id), program_id=program["id"],
                 days_per_week=3, weeks=13, starts_on="2026-03-16", scheduled_on="2026-03-02",
                 diagnosis_codes=["F10.20"], provider=PROVIDER)  # fmt: skip


def required_elements(gfe: dict[str, Any]) -> list[str]:
    """What 45 CFR 149.610 asks a Good Faith Estimate to show, as a patient would read it."""
    return [
        "Good Faith Estimate",
        "May 17, 1990",  # date of birth
        "Riverbend Recovery", "1234567893", "12-3456789", "12 Mill Street, Springfield, MA",
        "H0015", "F10.20", "0905",  # service, diagnosis and revenue codes
        "$300.00", "$10,530.00",  # expected charges, itemized and in total
        "$400", "120 calendar days",  # the right to dispute
        "not a contract", "scheduled or requested separately", "only an estimate",
        "March 16, 2026",  # when the service starts
    ]  # fmt: skip


def test_the_json_answer_carries_every_element_and_the_due_date(gfe: dict[str, Any]) -> None:
    assert gfe["patient_name"] == "Zoë Łukasik"
    assert gfe["total_expected_charge"] == "10530.00"  # 39 days at $300, 10% off
    [item] = gfe["items"]
    assert (item["service_code"], item["quantity"], item["discount"]) == ("H0015", 39, "1170.00")
    assert (gfe["due_on"], gfe["dispute_threshold"], gfe["dispute_window_days"]) == (
        "2026-03-05", "400.00", 120,
    )  # fmt: skip


def test_the_html_document_shows_every_required_element(
    clinic: Clinic, gfe: dict[str, Any]
) -> None:
    response = clinic.ehr.get(
        f"/v1/good-faith-estimates/{gfe['id']}", headers={"Accept": "text/html"}
    )
    assert response.headers["content-type"].startswith("text/html")
    for element in [*required_elements(gfe), "Zoë Łukasik"]:
        assert element in response.text, element


def test_the_pdf_reads_back_with_every_required_element(
    clinic: Clinic, gfe: dict[str, Any]
) -> None:
    response = clinic.staff.get(
        f"/v1/good-faith-estimates/{gfe['id']}", headers={"Accept": "application/pdf"}
    )
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for element in [*required_elements(gfe), "Zoë Lukasik"]:
        assert element in text, element


def test_a_format_the_service_cannot_give_is_a_406_problem(
    clinic: Clinic, gfe: dict[str, Any]
) -> None:
    url = f"/v1/good-faith-estimates/{gfe['id']}"
    refused = clinic.staff.get(url, headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert refused.headers["content-type"] == "application/problem+json"
    preferred = clinic.staff.get(url, headers={"Accept": "text/html;q=0.5, application/pdf"})
    assert preferred.headers["content-type"] == "application/pdf"
    assert clinic.staff.get(url, headers={"Accept": "*/*"}).json()["id"] == gfe["id"]


def test_the_due_date_passes_over_a_weekend_and_a_federal_holiday(
    app: FastAPI, clinic: Clinic, clock: Any
) -> None:
    from datetime import UTC, datetime

    clock.now = datetime(2026, 1, 16, 15, tzinfo=UTC)  # a Friday; Monday is Martin Luther King Day
    program = make_program(clinic, settings={"provider_name": "Riverbend Recovery",
        "provider_npi": "1234567893", "provider_tin": "123456789",
        "provider_location": "Springfield, MA"})  # fmt: skip
    gfe = issue(clinic, patient_id=str(make_patient(app, clinic)), program_id=program["id"],
                treatment_days=30, starts_on="2026-01-23")  # fmt: skip
    assert (gfe["scheduled_on"], gfe["due_on"]) == ("2026-01-16", "2026-01-20")
    assert gfe["provider"]["npi"] == "1234567893"


def test_a_patients_request_is_due_in_three_business_days(app: FastAPI, clinic: Clinic) -> None:
    program = make_program(clinic)
    gfe = issue(clinic, patient_id=str(make_patient(app, clinic)), program_id=program["id"],
                treatment_days=30, requested_on="2026-12-24", provider=PROVIDER)  # fmt: skip
    assert (gfe["scheduled_on"], gfe["due_on"]) == (None, "2026-12-30")


def test_an_estimate_without_a_provider_names_what_is_missing(app: FastAPI, clinic: Clinic) -> None:
    program = make_program(clinic)
    response = clinic.staff.post("/v1/good-faith-estimates", json={
        "patient_id": str(make_patient(app, clinic)), "program_id": program["id"],
        "treatment_days": 30})  # fmt: skip
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "provider.name", "provider.npi", "provider.tin", "provider.location",
    }  # fmt: skip


def test_good_faith_estimates_are_audited_and_hidden_from_other_clinics(
    clinic: Clinic, other_clinic: Clinic, gfe: dict[str, Any]
) -> None:
    assert other_clinic.staff.get(f"/v1/good-faith-estimates/{gfe['id']}").status_code == 404
    assert clinic.payer.get(f"/v1/good-faith-estimates/{gfe['id']}").status_code == 403
    clinic.ehr.get(f"/v1/good-faith-estimates/{gfe['id']}")
    accesses = audited(clinic, patient_id=gfe["patient_id"], resource_type="good_faith_estimate")
    actions = [access["action"] for access in accesses]
    assert sorted(actions) == ["create", "read"]
