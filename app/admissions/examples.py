"""OpenAPI examples of an eligible, a referred and an incomplete evaluation.

The answers are computed by the real rules from the example requests, so the documentation
can never drift from what the service decides."""

from datetime import date
from typing import Any

from app.admissions.assessment import Assessment
from app.admissions.rules import evaluate_eligibility
from app.programs.settings import ProgramSettings

_ON = date(2026, 3, 2)
_DIAGNOSIS = {
    "code": "F10.20",
    "diagnosed_by": {"name": "Dr. Ada Reyes", "credential": "MD", "license_number": "A12345"},
    "diagnosed_on": "2026-03-02",
}
_SCREENED = {
    "age": 34,
    "diagnoses": [_DIAGNOSIS],
    "drug_screen": {"result": "negative", "collected_on": "2026-03-02"},
    "withdrawal": {"needs_medical_management": False, "ciwa_ar": 6},
    "suicide_risk": False,
    "needs_24h_supervision": False,
    "safe_housing": True,
}


def _asam(*ratings: int) -> dict[str, Any]:
    return {"edition": 3, "dimensions": {f"d{n}": r for n, r in enumerate(ratings, start=1)}}


REQUESTS: dict[str, tuple[str, dict[str, Any]]] = {
    "eligible": (
        "Highest risk dimension rated 2: IOP fits",
        _SCREENED | {"asam": _asam(1, 0, 2, 2, 2, 1)},
    ),
    "referred": (
        "Medically managed withdrawal needed: withdrawal management first",
        _SCREENED | {
            "withdrawal": {"needs_medical_management": True, "ciwa_ar": 19},
            "asam": _asam(3, 1, 2, 2, 2, 1),
        },
    ),
    "incomplete": (
        "No drug screen and two dimensions unrated",
        {key: value for key, value in _SCREENED.items() if key != "drug_screen"}
        | {"asam": _asam(1, 0, 2, 2)},
    ),
}  # fmt: skip


def request_examples() -> dict[str, dict[str, Any]]:
    return {name: {"summary": summary, "value": body} for name, (summary, body) in REQUESTS.items()}


def response_examples() -> dict[str, dict[str, Any]]:
    examples = {}
    for name, (summary, body) in REQUESTS.items():
        decision = evaluate_eligibility(Assessment.model_validate(body), ProgramSettings(), _ON)
        value = decision.model_dump(mode="json") | {
            "program_id": None, "settings_version": None, "evaluated_on": _ON.isoformat(),
        }  # fmt: skip
        examples[name] = {"summary": summary, "value": value}
    return examples


AUTHORIZATION_REQUESTS: dict[str, tuple[str, dict[str, Any]]] = {
    "initial": (
        "Prior authorization approved: 20 treatment days",
        {
            "kind": "initial", "decision": "approved", "reference_number": "PA-2026-0117",
            "decided_on": "2026-03-02", "authorized_days": 20, "starts_on": "2026-03-09",
            "ends_on": "2026-04-30", "next_review_on": "2026-04-06",
        },
    ),
    "concurrent_review": (
        "Concurrent review extends it to 30 treatment days, through May 29",
        {
            "kind": "concurrent_review", "decision": "approved",
            "reference_number": "PA-2026-0117-R1", "decided_on": "2026-04-06",
            "authorized_days": 30, "ends_on": "2026-05-29", "next_review_on": "2026-05-11",
        },
    ),
    "denied": (
        "Concurrent review denied: the authorization runs out as it was",
        {
            "kind": "concurrent_review", "decision": "denied",
            "reference_number": "PA-2026-0117-R2", "decided_on": "2026-05-11",
            "denial_reason": "Medical necessity for continued IOP not established.",
        },
    ),
}  # fmt: skip


def authorization_examples() -> dict[str, dict[str, Any]]:
    return {
        name: {"summary": summary, "value": body}
        for name, (summary, body) in AUTHORIZATION_REQUESTS.items()
    }


AUTHORIZATION_READ: dict[str, Any] = {
    "id": "0195f2b1-2c3d-7e4f-8a5b-6c7d8e9f0a1b",
    "admission_id": "0195f29f-0c1d-7e2f-8a3b-4c5d6e7f8091",
    "payer_id": "60054",
    "kind": "concurrent_review",
    "decision": "approved",
    "reference_number": "PA-2026-0117-R1",
    "decided_on": "2026-04-06",
    "authorized_days": 30,
    "starts_on": "2026-03-09",
    "ends_on": "2026-05-29",
    "next_review_on": "2026-05-11",
    "denial_reason": None,
    "extends_id": "0195f2b0-1b2c-7d3e-8f4a-5b6c7d8e9f00",
    "is_in_force": True,
    "recorded_at": "2026-04-06T14:30:00Z",
}
