"""Cost estimates through the API: each payer type, dated plans, saving, and clear refusals."""

from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.coverages.test_coverages import COMMERCIAL, add_coverage
from tests.api.scheduling.factories import admit, make_track, plan_body
from tests.factories import Clinic, audited, if_match, make_patient, make_program


def estimate(clinic: Clinic, **body: Any) -> dict[str, Any]:
    response = clinic.staff.post("/v1/cost-estimates", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def money(value: str) -> Decimal:
    return Decimal(value)


def test_a_commercial_plan_runs_out_its_deductible_mid_plan_and_explains_it(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_program(clinic)
    coverage = add_coverage(clinic, make_patient(app, clinic))
    answer = estimate(clinic, program_id=program["id"], days_per_week=3, weeks=13,
                      starts_on="2026-03-02", coverage_id=coverage["id"])  # fmt: skip
    assert answer["treatment_days"] == 39
    assert (answer["total_charge"], answer["patient_pays"], answer["plan_pays"]) == (
        "11700.00", "3380.00", "8320.00",
    )  # fmt: skip
    day_five = answer["lines"][4]
    assert (day_five["period"], day_five["deductible"], day_five["coinsurance"]) == (
        "2026-03-11", "100.00", "40.00",
    )  # fmt: skip
    assert day_five["deductible_met"] == "1500.00"
    assert any("used up on treatment day 5 (March 11, 2026)" in s for s in answer["explanation"])
    assert any("prior authorization" in note for note in answer["assumptions"])
    assert "half-up" in answer["rounding"]
    assert sum(money(line["patient"]) for line in answer["lines"]) == money(answer["patient_pays"])


def test_an_out_of_pocket_maximum_is_reached_and_the_plan_pays_the_rest(clinic: Clinic) -> None:
    coverage = COMMERCIAL | {"benefits": {
        "deductible": {"total": "2000.00"}, "coinsurance": {"rate": "0.30"},
        "out_of_pocket_max": {"total": "2500.00", "met": "0.00"},
    }}  # fmt: skip
    answer = estimate(clinic, price_per_day="300.00", days_per_week=5, weeks=4,
                      starts_on="2026-03-02", coverage=coverage)  # fmt: skip
    assert answer["patient_pays"] == "2500.00"
    assert answer["lines"][-1]["patient"] == "0.00"
    assert any("you reach it on" in step for step in answer["explanation"])


def test_a_copay_plan_charges_its_copay_per_treatment_day(clinic: Clinic) -> None:
    coverage = {"payer_type": "commercial", "plan_starts_on": "2026-01-01",
                "benefits": {"copay_per_day": {"amount": "40.00"}}}  # fmt: skip
    answer = estimate(clinic, price_per_day="250.00", treatment_days=10, coverage=coverage)
    assert (answer["copay"], answer["patient_pays"], answer["plan_pays"]) == (
        "400.00", "400.00", "2100.00",
    )  # fmt: skip
    assert answer["lines"][0]["period"] == "day 1"


def test_a_plan_across_the_benefit_year_restarts_the_deductible(clinic: Clinic) -> None:
    coverage = {"payer_type": "commercial", "plan_starts_on": "2025-07-01", "benefits": {
        "deductible": {"total": "600.00", "met": "600.00"}, "coinsurance": {"rate": "0.20"},
        "out_of_pocket_max": {"total": "5000.00"}}}  # fmt: skip
    answer = estimate(clinic, price_per_day="300.00", days_per_week=5, weeks=2,
                      starts_on="2026-06-22", coverage=coverage, lines_per="month")  # fmt: skip
    june, july = answer["lines"]
    assert (june["period"], june["deductible"], june["patient"]) == ("2026-06", "0.00", "420.00")
    assert (july["period"], july["deductible"], july["patient"]) == ("2026-07", "600.00", "660.00")
    assert any("start again from $0.00" in step for step in answer["explanation"])


def test_medicare_applies_the_part_b_deductible_and_twenty_percent(clinic: Clinic) -> None:
    answer = estimate(clinic, price_per_day="300.00", days_per_week=3, weeks=1,
                      starts_on="2026-03-02", coverage={"payer_type": "medicare"})  # fmt: skip
    assert answer["deductible"] == "283.00"
    assert answer["patient_pays"] == "406.40"  # $283 + 20% of $17, then $60 a day
    assert any("Medicare Part B deductible for 2026" in a for a in answer["assumptions"])


def test_medicaid_costs_nothing_by_default(clinic: Clinic) -> None:
    answer = estimate(clinic, price_per_day="300.00", treatment_days=39,
                      coverage={"payer_type": "medicaid"})  # fmt: skip
    assert (answer["patient_pays"], answer["plan_pays"]) == ("0.00", "11700.00")


def test_other_payers_default_to_the_legal_out_of_pocket_limit(clinic: Clinic) -> None:
    coverage = {"payer_type": "other", "benefits": {"coinsurance": {"rate": "1"}}}
    answer = estimate(clinic, price_per_day="350.00", days_per_week=5, weeks=8,
                      starts_on="2026-03-02", coverage=coverage)  # fmt: skip
    assert answer["patient_pays"] == "10600.00"


def test_self_pay_pays_the_program_price_less_its_discount(clinic: Clinic) -> None:
    program = make_program(clinic)
    settings = program["settings"] | {"self_pay_discount_rate": "0.15"}
    clinic.admin.put(
        f"/v1/programs/{program['id']}/settings",
        json=settings,
        headers=if_match(clinic.admin, f"/v1/programs/{program['id']}/settings"),
    )
    answer = estimate(clinic, program_id=program["id"], treatment_days=39,
                      coverage={"payer_type": "self_pay"})  # fmt: skip
    assert (answer["discount"], answer["patient_pays"], answer["plan_pays"]) == (
        "1755.00", "9945.00", "0.00",
    )  # fmt: skip


def test_an_admissions_dated_plan_skips_a_holiday_and_does_not_charge_it(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_track(clinic)
    admitted = admit(app, clinic, program)
    plan = plan_body(start_date="2026-05-18", weeks=2)  # Memorial Day: Monday 25 May
    saved = clinic.staff.post(f"/v1/admissions/{admitted.admission_id}/treatment-plan", json=plan)
    assert saved.status_code == 201, saved.text
    answer = estimate(clinic, admission_id=str(admitted.admission_id),
                      coverage={"payer_type": "self_pay"})  # fmt: skip
    assert [line["period"] for line in answer["lines"]] == [
        "2026-05-18", "2026-05-20", "2026-05-21", "2026-05-27", "2026-05-28",
    ]  # fmt: skip
    assert answer["total_charge"] == "1500.00"
    assert any("Not charged: 2026-05-25 (Memorial Day)" in a for a in answer["assumptions"])
    assert answer["patient_id"] == str(admitted.patient_id)


def test_a_saved_estimate_keeps_its_inputs_date_and_coverage_terms(
    app: FastAPI, clinic: Clinic
) -> None:
    patient_id = make_patient(app, clinic)
    coverage = add_coverage(clinic, patient_id)
    saved = estimate(clinic, price_per_day="300.00", treatment_days=5,
                     coverage_id=coverage["id"], save=True)  # fmt: skip
    url = f"/v1/patients/{patient_id}/coverages/{coverage['id']}"
    clinic.staff.patch(
        url,
        json={"benefits": {"coinsurance": {"rate": "0.5"}}},
        headers=if_match(clinic.staff, url),
    )
    again = clinic.ehr.get(f"/v1/cost-estimates/{saved['id']}")
    assert again.status_code == 200
    assert again.json() == saved
    assert saved["saved_at"] == "2026-03-02T15:00:00Z"
    assert saved["inputs"]["coverage_id"] == coverage["id"]
    assert saved["coverage"]["benefits"]["coinsurance"]["rate"] == "0.20"
    accesses = audited(clinic, patient_id=str(patient_id))
    assert {"cost_estimate"} <= {access["resource_type"] for access in accesses}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"treatment_days": 5, "coverage": {"payer_type": "self_pay"}}, "program_id"),
        ({"price_per_day": "300", "coverage": {"payer_type": "self_pay"}}, "treatment_days"),
        ({"price_per_day": "300", "treatment_days": 5, "weeks": 2,
          "coverage": {"payer_type": "self_pay"}}, "treatment_days"),
        ({"price_per_day": "300", "days_per_week": 3, "coverage": {"payer_type": "self_pay"}},
         "weeks"),
        ({"price_per_day": "300", "treatment_days": 5}, "coverage"),
        ({"price_per_day": "300", "treatment_days": 5, "lines_per": "month",
          "coverage": {"payer_type": "self_pay"}}, "lines_per"),
        ({"price_per_day": "-1", "treatment_days": 5, "coverage": {"payer_type": "self_pay"}},
         "price_per_day"),
    ],
)  # fmt: skip
def test_an_estimate_that_cannot_be_made_says_which_field(
    clinic: Clinic, body: dict[str, Any], field: str
) -> None:
    response = clinic.staff.post("/v1/cost-estimates", json=body)
    assert response.status_code == 422, response.text
    assert field in {error["field"] for error in response.json()["errors"]}


def test_an_estimate_mixing_two_patients_is_refused(app: FastAPI, clinic: Clinic) -> None:
    coverage = add_coverage(clinic, make_patient(app, clinic))
    other = make_patient(app, clinic, given_name="Jordan")
    response = clinic.staff.post("/v1/cost-estimates", json={
        "price_per_day": "300", "treatment_days": 3, "coverage_id": coverage["id"],
        "patient_id": str(other)})  # fmt: skip
    assert response.status_code == 422


def test_payer_and_ehr_keys_cannot_make_estimates(clinic: Clinic) -> None:
    body = {"price_per_day": "300", "treatment_days": 3, "coverage": {"payer_type": "self_pay"}}
    assert clinic.payer.post("/v1/cost-estimates", json=body).status_code == 403
    assert clinic.ehr.post("/v1/cost-estimates", json=body).status_code == 403
