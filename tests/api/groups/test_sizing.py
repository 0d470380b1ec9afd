"""Group sizing: even groups within bounds, specialized patients kept together, nothing stored."""

from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.groups.factories import make_group
from tests.factories import Clinic, audited, make_patient, make_program

WOMEN = [{"attribute": "sex", "operator": "in", "value": ["female"]}]


@pytest.fixture
def program(clinic: Clinic) -> dict[str, Any]:
    return make_program(clinic)


def plan(clinic: Clinic, program: dict[str, Any], **body: object) -> Any:
    return clinic.staff.post("/v1/groups/sizing", json={"program_id": program["id"], **body})


def sizes(response: Any) -> list[tuple[str | None, int]]:
    assert response.status_code == 200, response.text
    groups = response.json()["proposed_groups"]
    return [(g["specialization"], len(g["patient_ids"])) for g in groups]


def test_thirty_one_patients_make_groups_of_eleven_ten_and_ten(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    response = plan(clinic, program, counts={"general": 31})
    assert sizes(response) == [(None, 11), (None, 10), (None, 10)]
    assert (response.json()["min_size"], response.json()["max_size"]) == (8, 15)
    assert response.json()["unplaced"] == []


def test_five_veterans_are_too_few_for_a_group_of_eight(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    response = plan(
        clinic,
        program,
        counts={"general": 9, "veterans": 5},
        specializations=[{"name": "veterans"}],
    )
    assert sizes(response) == [(None, 9)]
    unplaced = response.json()["unplaced"]
    assert len(unplaced) == 5
    assert {u["reason_code"] for u in unplaced} == {"too_few_for_group"}
    assert unplaced[0]["message"] == (
        "Only 5 patients for the veterans group; a group needs at least 8."
    )


def test_smaller_bounds_may_be_asked_for_but_not_larger_than_the_program(
    clinic: Clinic, program: dict[str, Any]
) -> None:
    assert sizes(plan(clinic, program, counts={"general": 12}, min_size=4, max_size=6)) == [
        (None, 6),
        (None, 6),
    ]
    too_big = plan(clinic, program, counts={"general": 12}, max_size=20)
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["code"] == "above_program_maximum"


def test_patients_are_checked_against_the_criteria_of_the_programs_groups(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    make_group(clinic, program, specialization="women", criteria=WOMEN, min_size=2, max_size=4)
    women = [make_patient(app, clinic, sex="female") for _ in range(2)]
    man = make_patient(app, clinic, sex="male")
    patients = [{"patient_id": str(p), "specialization": "women"} for p in [*women, man]]
    response = plan(clinic, program, patients=patients, min_size=2, max_size=4)
    assert response.json()["proposed_groups"] == [
        {"specialization": "women", "patient_ids": [str(p) for p in women]}
    ]
    assert response.json()["unplaced"] == [
        {
            "patient_id": str(man),
            "specialization": "women",
            "reason_code": "criteria_not_met",
            "message": "Does not fit the women group: sex must be one of: female.",
        }
    ]


def test_criteria_given_with_the_request_need_no_group(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    responders = [make_patient(app, clinic, tags=["first_responder"]) for _ in range(2)]
    other = make_patient(app, clinic)
    criteria = [{"attribute": "tags", "operator": "contains", "value": "first_responder"}]
    response = plan(
        clinic,
        program,
        patients=[
            {"patient_id": str(p), "specialization": "first_responders"}
            for p in [*responders, other]
        ],
        specializations=[{"name": "first_responders", "criteria": criteria}],
        min_size=2,
    )
    assert sizes(response) == [("first_responders", 2)]
    assert [u["reason_code"] for u in response.json()["unplaced"]] == ["criteria_not_met"]


def test_a_specialization_nobody_defined_leaves_its_patients_unplaced(
    app: FastAPI, clinic: Clinic, program: dict[str, Any]
) -> None:
    patient = make_patient(app, clinic)
    response = plan(clinic, program, patients=[{"patient_id": str(patient), "specialization": "x"}])
    assert response.json()["unplaced"][0]["reason_code"] == "unknown_specialization"


def test_sizing_reads_patient_records_only_of_the_organization_and_audits_them(
    app: FastAPI, clinic: Clinic, other_clinic: Clinic, program: dict[str, Any]
) -> None:
    stranger = make_patient(app, other_clinic)
    response = plan(clinic, program, patients=[{"patient_id": str(stranger)}])
    assert response.status_code == 404
    patient = make_patient(app, clinic)
    assert plan(clinic, program, patients=[{"patient_id": str(patient)}]).status_code == 200
    accesses = audited(clinic, patient_id=str(patient))
    assert [(a["action"], a["resource_type"]) for a in accesses] == [("read", "patient")]


def test_patients_or_counts_but_not_both(clinic: Clinic, program: dict[str, Any]) -> None:
    assert plan(clinic, program).status_code == 422
    both = plan(clinic, program, counts={"general": 8}, patients=[])
    assert both.status_code == 422


def test_sizing_stores_no_group(clinic: Clinic, program: dict[str, Any]) -> None:
    plan(clinic, program, counts={"general": 31})
    assert clinic.staff.get("/v1/groups").json()["total"] == 0
