"""The patient record's date of birth decides the age; a typed-in age never overrides it."""

from datetime import date
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI

from tests.api.admissions.test_admissions import assessment
from tests.api.admissions.test_eligibility import assessment as evaluation_body
from tests.factories import Clinic, if_match, make_patient

GUARDIAN = {"name": "Maria Rivera", "relationship": "mother"}
SIXTEEN = date(2010, 1, 5)  # 16 on 2026-03-02


def admit_as(
    clinic: Clinic, patient_id: object, program: dict[str, Any], **typed: object
) -> httpx2.Response:
    body = {
        "patient_id": str(patient_id),
        "program_id": program["id"],
        "assessment": assessment(1, 1, 2, 1, 2, 1, **typed),
        "part2_notice_given_on": "2026-03-02",
    }
    response: httpx2.Response = clinic.staff.post("/v1/admissions", json=body)
    return response


def test_a_sixteen_year_old_typed_in_as_34_is_refused_naming_both_ages(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    teen = make_patient(app, clinic, date_of_birth=SIXTEEN)
    response = admit_as(clinic, teen, program, age=34)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("assessment.age", "contradicts_patient_record")
    assert "34" in error["message"]
    assert "16" in error["message"]
    assert "2010-01-05" not in error["message"]  # no patient data in an error answer
    assert clinic.staff.get("/v1/admissions").json()["total"] == 0


def test_a_typed_date_of_birth_that_differs_from_the_record_is_refused(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    teen = make_patient(app, clinic, date_of_birth=SIXTEEN)
    response = admit_as(clinic, teen, program, age=34, date_of_birth="1991-07-14")
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["assessment.date_of_birth", "assessment.age"]
    assert "1991-07-14" not in response.text  # no patient data in an error answer
    assert "2010-01-05" not in response.text


def test_an_age_that_agrees_with_the_record_is_accepted_and_the_record_rules(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    teen = make_patient(app, clinic, date_of_birth=SIXTEEN)
    response = admit_as(clinic, teen, program, age=16, date_of_birth="2010-01-05")
    assert response.status_code == 201, response.text
    admission = response.json()
    assert admission["is_adolescent"] is True
    assert admission["decision"]["outcome"] == "incomplete"
    assert admission["decision"]["missing"] == ["guardian_consent"]
    assert admission["decision"]["min_weekly_hours"] == 6


def test_an_adolescent_on_record_follows_the_adolescent_rules_without_a_typed_age(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    teen = make_patient(app, clinic, date_of_birth=SIXTEEN, guardian=GUARDIAN)
    admission = admit_as(clinic, teen, program, guardian_consent=True).json()
    assert admission["decision"]["outcome"] == "eligible"
    assert (admission["is_adolescent"], admission["decision"]["min_weekly_hours"]) == (True, 6)
    assert "adolescent" in {r["code"] for r in admission["decision"]["reasons"]}


def test_a_reassessment_may_not_contradict_the_record_either(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    teen = make_patient(app, clinic, date_of_birth=SIXTEEN, guardian=GUARDIAN)
    admission = admit_as(clinic, teen, program, guardian_consent=True).json()
    body = {"assessment": assessment(1, 1, 2, 1, 2, 1, age=19, guardian_consent=None)}
    response = clinic.clinician.post(
        f"/v1/admissions/{admission['id']}/assessments",
        json=body,
        headers=if_match(clinic.clinician, f"/v1/admissions/{admission['id']}/assessments"),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["assessment.age"]
    history = clinic.staff.get(f"/v1/admissions/{admission['id']}/assessments").json()
    assert len(history) == 1


def test_the_age_is_checked_on_the_day_of_the_assessment(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    # Turned 18 on 2026-03-01: 17 when assessed on 2026-02-27, an adult on the day of admission.
    patient = make_patient(app, clinic, date_of_birth=date(2008, 3, 1))
    body = {
        "patient_id": str(patient),
        "program_id": program["id"],
        "assessment": assessment(1, 1, 2, 1, 2, 1, age=17),
        "assessed_on": "2026-02-27",
    }
    response = clinic.staff.post("/v1/admissions", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["is_adolescent"] is False


@pytest.mark.parametrize("typed_age", [34, 15])
def test_a_stateless_evaluation_refuses_an_age_that_contradicts_its_own_date_of_birth(
    clinic: Clinic, typed_age: int
) -> None:
    body = evaluation_body(1, 1, 2, 1, 2, 1, age=typed_age, date_of_birth="2010-01-05")
    response = clinic.staff.post("/v1/eligibility/evaluations", json=body)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("age", "contradicts_date_of_birth")
