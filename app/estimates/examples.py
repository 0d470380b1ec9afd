"""OpenAPI examples: a commercial estimate with its lines, and a self-pay Good Faith Estimate.

The answers are computed by the real rules from the example requests, so the documentation
cannot drift from what the service answers."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from app.estimates.answer import compose_estimate
from app.estimates.days import pattern_words, weekly_days
from app.estimates.due_dates import due_date, federal_holidays
from app.estimates.good_faith import (
    DISCLAIMERS,
    DISPUTE_THRESHOLD,
    DISPUTE_WINDOW_DAYS,
    SEPARATELY_SCHEDULED,
    SERVICE_NAMES,
)
from app.estimates.rules import SelfPay, share_days, totals
from app.estimates.schemas import (
    CostEstimateRequest,
    GoodFaithEstimateRead,
    GoodFaithItem,
    Provider,
)
from app.estimates.service import inline_coverage
from app.programs.settings import ProgramSettings

_TODAY = date(2026, 3, 2)
_PROGRAM_ID = "0195a3c4-1f2e-7a3b-8c4d-5e6f7a8b9c0d"
_PATIENT_ID = "0195a3c4-2a3b-7c4d-9e5f-6a7b8c9d0e1f"
COMMERCIAL = {
    "program_id": _PROGRAM_ID,
    "days_per_week": 3,
    "weeks": 4,
    "starts_on": "2026-03-02",
    "coverage": {
        "payer_type": "commercial",
        "payer_id": "60054",
        "payer_name": "Blue Harbor Health Plan",
        "plan_starts_on": "2026-01-01",
        "plan_ends_on": "2026-12-31",
        "network_status": "in_network",
        "benefits": {
            "deductible": {"total": "1500.00", "met": "200.00"},
            "coinsurance": {"rate": "0.20"},
            "out_of_pocket_max": {"total": "4000.00", "met": "500.00"},
        },
    },
}
SELF_PAY_GFE = {
    "patient_id": _PATIENT_ID,
    "program_id": _PROGRAM_ID,
    "days_per_week": 3,
    "weeks": 13,
    "starts_on": "2026-03-16",
    "scheduled_on": "2026-03-02",
    "diagnosis_codes": ["F10.20"],
    "provider": {
        "name": "Riverbend Recovery",
        "npi": "1234567893",
        "tin": "12-3456789",
        "location": "12 Mill Street, Springfield, MA 01103",
    },
}


def estimate_request_examples() -> dict[str, dict[str, Any]]:
    return {
        "commercial": {
            "summary": "Commercial plan, 3 days a week for 4 weeks",
            "value": COMMERCIAL,
        },
        "self_pay": {
            "summary": "Self-pay, 39 treatment days at the program's price",
            "value": {
                "program_id": _PROGRAM_ID,
                "treatment_days": 39,
                "coverage": {"payer_type": "self_pay"},
            },
        },
    }


def estimate_response_examples() -> dict[str, dict[str, Any]]:
    body = CostEstimateRequest.model_validate(COMMERCIAL)
    assert body.coverage is not None
    days: list[date | None] = list(weekly_days(_TODAY, 3, 4))
    notes = [
        f"3 treatment days a week ({pattern_words(3)}) for 4 weeks from {_TODAY}; holidays are"
        " not taken out: give an admission for the dates its plan books."
    ]
    answer = compose_estimate(
        body, ProgramSettings(), inline_coverage(body.coverage, _TODAY), days, notes, _TODAY,
        patient_id=None, program_id=uuid.UUID(_PROGRAM_ID), admission_id=None,
    )  # fmt: skip
    return {
        "commercial": {
            "summary": "The deductible runs out on day 5, then 20% coinsurance",
            "value": answer.model_dump(mode="json"),
        }
    }


def saved_estimate_examples() -> dict[str, dict[str, Any]]:
    """The estimate above as it reads once kept (`save`): with its id and when it was kept."""
    kept = {"id": "0195a3c4-2a3b-7c4d-8e5f-6a7b8c9d0e1f", "saved_at": f"{_TODAY}T15:00:00Z"}
    return {
        name: {"summary": example["summary"], "value": example["value"] | kept}
        for name, example in estimate_response_examples().items()
    }


def good_faith_request_examples() -> dict[str, dict[str, Any]]:
    return {"self_pay": {"summary": "Self-pay patient, scheduled two weeks ahead",
                         "value": SELF_PAY_GFE}}  # fmt: skip


def good_faith_response_examples() -> dict[str, dict[str, Any]]:
    settings = ProgramSettings(self_pay_discount_rate=Decimal("0.15"))
    starts = date(2026, 3, 16)
    days = weekly_days(starts, 3, 13)
    sums = totals(share_days(days, settings.price_per_day, SelfPay(Decimal("0.15"))))
    due_on, due_rule = due_date(_TODAY, starts, None, federal_holidays([2026]))
    gfe = GoodFaithEstimateRead(
        id=uuid.UUID("0195a3c4-3b4c-7d5e-8f6a-7b8c9d0e1f2a"),
        patient_id=uuid.UUID(_PATIENT_ID),
        program_id=uuid.UUID(_PROGRAM_ID),
        admission_id=None,
        patient_name="Alex Rivera",
        patient_date_of_birth=date(1990, 5, 17),
        primary_service=(
            "Intensive outpatient treatment (ASAM level 2.1) at Adult IOP – Evening:"
            f" 39 treatment days from {days[0]} to {days[-1]}, charged per treatment day."
        ),
        service_starts_on=days[0],
        provider=Provider.model_validate(SELF_PAY_GFE["provider"]),
        items=[GoodFaithItem(
            description=SERVICE_NAMES["H0015"], service_code="H0015", revenue_code="0905",
            diagnosis_codes=["F10.20"], quantity=sums.treatment_days,
            unit_charge=settings.price_per_day, discount=sums.discount,
            expected_charge=sums.patient_pays, first_date=days[0], last_date=days[-1],
        )],
        total_expected_charge=sums.patient_pays,
        scheduled_on=_TODAY,
        requested_on=None,
        due_on=due_on,
        due_rule=due_rule,
        issued_at=datetime(2026, 3, 2, 15, 0, tzinfo=UTC),
        separately_scheduled=SEPARATELY_SCHEDULED,
        disclaimers=DISCLAIMERS,
        dispute_threshold=Decimal(DISPUTE_THRESHOLD),
        dispute_window_days=DISPUTE_WINDOW_DAYS,
        assumptions=[
            f"3 treatment days a week ({pattern_words(3)}) for 13 weeks from {starts}; holidays"
            " are not taken out: give an admission for the dates its plan books.",
            f"The self-pay discount of ${sums.discount:,.2f} is taken off.",
        ],
    )  # fmt: skip
    return {"self_pay": {"summary": "A self-pay patient's estimate, 15% self-pay discount",
                         "value": gfe.model_dump(mode="json")}}  # fmt: skip
