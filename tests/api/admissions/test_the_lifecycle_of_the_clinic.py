"""The lifecycle as the clinic lives it: referrals come back, treatment ends by discharge, and
every date fits the admission it belongs to."""

import uuid
from typing import Any

import pytest

from tests.api.admissions.test_a_reassessment_stands import (
    FITS_IOP,
    START,
    WITHDRAWAL_MANAGEMENT,
    read,
    reassess,
)
from tests.api.admissions.test_admissions import APPROVAL, act, admit
from tests.factories import Clinic, if_match


def moves(clinic: Clinic, admission: dict[str, Any]) -> list[tuple[str | None, str]]:
    rows = clinic.staff.get(f"/v1/admissions/{admission['id']}/transitions").json()
    return [(m["from_status"], m["to_status"]) for m in rows]


def test_a_referred_patient_who_fits_iop_after_withdrawal_management_returns_to_pending(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"], 3, 1, 2, 1, 2, 1)
    assert admission["status"] == "referred"

    reassess(clinic, admission, FITS_IOP)

    current = read(clinic, admission)
    assert current["status"] == "pending"
    assert current["allowed_actions"] == ["approve", "cancel", "reassess"]
    assert moves(clinic, admission) == [(None, "referred"), ("referred", "pending")]
    approved = act(clinic, admission, "approve", APPROVAL, role="clinician")
    assert approved.json()["status"] == "approved"


def test_a_referral_reassessed_without_a_fit_stays_referred(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"], 3, 1, 2, 1, 2, 1)
    reassess(clinic, admission, FITS_IOP | {"drug_screen": None})  # incomplete
    assert read(clinic, admission)["status"] == "referred"
    reassess(clinic, admission, WITHDRAWAL_MANAGEMENT)
    assert read(clinic, admission)["status"] == "referred"


def test_a_pending_admission_reassessed_as_a_referral_becomes_referred(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    reassess(clinic, admission, WITHDRAWAL_MANAGEMENT)
    current = read(clinic, admission)
    assert current["status"] == "referred"
    assert current["allowed_actions"] == ["cancel", "reassess"]


def test_a_referral_is_cancelled_when_the_patient_does_not_come_back(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"], 3, 1, 2, 1, 2, 1)
    cancelled = act(clinic, admission, "cancel", {"reason": "Went on to residential care."})
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["allowed_actions"]) == ("cancelled", [])


def test_a_referral_does_not_return_to_pending_beside_another_open_admission(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    referred = admit(clinic, patient, program["id"], 3, 1, 2, 1, 2, 1)
    newer = admit(clinic, patient, program["id"])
    response = clinic.clinician.post(
        f"/v1/admissions/{referred['id']}/assessments",
        json={"assessment": FITS_IOP},
        headers=if_match(clinic.clinician, f"/v1/admissions/{referred['id']}/assessments"),
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("/admission-exists")
    assert response.json()["admission_id"] == newer["id"]
    assert read(clinic, referred)["status"] == "referred"


@pytest.mark.parametrize("steps", [["start"], ["start", "hold"]], ids=["active", "on hold"])
def test_treatment_that_has_started_ends_by_discharge_not_by_cancel(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any], steps: list[str]
) -> None:
    admission = admit(clinic, patient, program["id"])
    act(clinic, admission, "approve", APPROVAL, role="clinician")
    for step in steps:
        assert act(clinic, admission, step, START if step == "start" else None).status_code == 200
    refused = act(clinic, admission, "cancel", {"reason": "Stopped coming."})
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/invalid-transition")
    assert "cancel" not in refused.json()["allowed_actions"]
    assert "discharge" in refused.json()["allowed_actions"]
    dropped = {"type": "dropped_out", "discharged_on": "2026-03-20", "reason": "Stopped coming."}
    assert act(clinic, admission, "discharge", dropped).json()["discharge"]["type"] == "dropped_out"


def test_an_approved_admission_is_cancelled_before_treatment_starts(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    act(clinic, admission, "approve", APPROVAL, role="clinician")
    assert act(clinic, admission, "cancel").json()["status"] == "cancelled"


def test_a_discharge_before_the_start_date_is_refused(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    act(clinic, admission, "approve", APPROVAL, role="clinician")
    act(clinic, admission, "start", START)
    early = {"type": "completed", "discharged_on": "2026-03-08", "reason": "Typo."}
    response = act(clinic, admission, "discharge", early)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("discharged_on", "before_start")
    assert "2026-03-08" in error["message"]
    assert "2026-03-09" in error["message"]
    assert read(clinic, admission)["status"] == "active"


@pytest.mark.parametrize("started_on", ["2026-03-08", "2026-05-01"])
def test_treatment_starts_within_the_authorization_period(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any], started_on: str
) -> None:
    admission = admit(clinic, patient, program["id"])
    act(clinic, admission, "approve", APPROVAL, role="clinician")
    response = act(clinic, admission, "start", {"started_on": started_on})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("started_on", "outside_authorization")
    assert "2026-03-09" in error["message"]
    assert "2026-04-30" in error["message"]
    assert read(clinic, admission)["status"] == "approved"


def test_a_start_without_a_date_means_today_which_must_be_authorized(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    act(clinic, admission, "approve", APPROVAL, role="clinician")  # from 2026-03-09
    response = act(clinic, admission, "start", {})  # today is 2026-03-02
    assert response.status_code == 422
    assert "today" in response.json()["errors"][0]["message"]
    on_the_first_day = act(clinic, admission, "start", {"started_on": "2026-03-09"})
    assert on_the_first_day.json()["started_on"] == "2026-03-09"
