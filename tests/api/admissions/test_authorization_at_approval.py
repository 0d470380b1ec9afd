"""An approval records a plausible authorization: not already over, its review inside it, and
no longer than the program accepts; it may start in the past (docs/domain.md §3)."""

from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from httpx2 import Response

from tests.factories import Clinic, if_match, make_admission, make_patient, make_program

# The clinic's clock reads Monday 2 March 2026.
APPROVAL = {
    "authorized_days": 30,
    "authorization_starts_on": "2026-03-02",
    "authorization_ends_on": "2026-04-30",
    "next_review_on": "2026-03-30",
}


def approve(app: FastAPI, clinic: Clinic, program: dict[str, Any], **dates: object) -> Response:
    admission = make_admission(
        app,
        clinic,
        patient_id=make_patient(app, clinic),
        program_id=program["id"],
        status="pending",
        part2_notice_given_on=date(2026, 3, 2),
    )
    url = f"/v1/admissions/{admission}/approve"
    response: Response = clinic.clinician.post(
        url, json=APPROVAL | dates, headers=if_match(clinic.clinician, url)
    )
    return response


def test_a_retroactive_authorization_still_running_is_approved(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_program(clinic)

    response = approve(app, clinic, program, authorization_starts_on="2026-02-16")

    assert response.status_code == 200, response.text
    assert response.json()["authorization"]["starts_on"] == "2026-02-16"


@pytest.mark.parametrize(
    ("dates", "field", "code"),
    [
        pytest.param(
            {"authorization_starts_on": "2026-01-05", "authorization_ends_on": "2026-02-27",
             "next_review_on": "2026-02-02"},
            "authorization_ends_on", "already_ended", id="already ended",
        ),
        pytest.param(
            {"authorization_ends_on": "2027-04-30", "next_review_on": "2026-03-30"},
            "authorization_ends_on", "period_too_long", id="a year and two months",
        ),
    ],
)  # fmt: skip
def test_an_implausible_authorization_is_refused(
    app: FastAPI, clinic: Clinic, dates: dict[str, str], field: str, code: str
) -> None:
    response = approve(app, clinic, make_program(clinic), **dates)

    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]


def test_a_review_date_outside_the_period_is_refused(app: FastAPI, clinic: Clinic) -> None:
    response = approve(app, clinic, make_program(clinic), next_review_on="2026-05-04")

    assert response.status_code == 422
    assert "next_review_on" in response.text


def test_the_longest_authorization_is_the_programs_setting(app: FastAPI, clinic: Clinic) -> None:
    program = make_program(clinic, settings={"max_authorization_days": 30})

    response = approve(app, clinic, program)

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "period_too_long"
