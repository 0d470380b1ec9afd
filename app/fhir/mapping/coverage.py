"""Coverage: a patient's insurance, with what the plan makes the patient pay.

The patient is the beneficiary; the member id is the identifier (type `MB`) and the
`subscriberId`. Who holds the policy is not recorded here, so there is no `subscriber` and no
`relationship` rather than a guess. The payer is a display with its electronic payer id as an
identifier (this server has no Organization resources); a self-pay coverage's payor is the
patient, as FHIR asks. Coverages are never drafts or cancelled here (a deleted one is gone), so
the status is always `active`; the plan period says when it applies.

Benefits become `costToBeneficiary` entries typed by HL7's `coverage-copay-type`: the copay per
treatment day `copay` (Money), coinsurance `copaypct` (a percentage), the deductible
`deductible` and the out-of-pocket maximum `maxoutofpocket` (their yearly totals, Money). How
much of a limit is met, and where each figure came from (`entered` by staff or `verified` by
the payer) and when, are extensions of the entry.
"""

from decimal import Decimal
from typing import Any

from app.coverages.schemas import (
    CoinsuranceRead,
    CopayRead,
    CoverageRead,
    LimitRead,
    PayerType,
    Provenance,
)
from app.fhir.codes import (
    BENEFIT_MET,
    BENEFIT_RECORDED_ON,
    BENEFIT_SOURCE,
    BENEFIT_SOURCE_SYSTEM,
    COVERAGE_CLASS,
    COVERAGE_COPAY_TYPE,
    CURRENCY,
    NETWORK_STATUS,
    NETWORK_STATUS_SYSTEM,
    PAYER_ID_SYSTEM,
    PAYER_TYPE_SYSTEM,
    PAYMENT_TYPOLOGY,
    REQUIRES_PRIOR_AUTHORIZATION,
    UCUM,
    V2_IDENTIFIER_TYPE,
)
from app.fhir.mapping.common import coding, concept, label, meta, reference, text

# FHIR R4 `fm-status`: only `active` describes a coverage this server answers.
FHIR_STATUSES = frozenset({"active", "cancelled", "draft", "entered-in-error"})
STATUS = "active"

# Source of Payment Typology codes for our payer types.
PAYMENT_TYPES: dict[PayerType, tuple[str, str]] = {
    "commercial": ("5", "PRIVATE HEALTH INSURANCE"),
    "medicare": ("1", "MEDICARE"),
    "medicaid": ("2", "MEDICAID"),
    "self_pay": ("81", "Self-pay"),
    "other": ("9", "MISCELLANEOUS/OTHER"),
}
PAYER_NAMES: dict[str, str] = {
    "commercial": "Commercial insurer",
    "medicare": "Medicare",
    "medicaid": "Medicaid",
    "other": "Other payer",
}


def coverage_resource(coverage: CoverageRead) -> dict[str, Any]:
    code, display = PAYMENT_TYPES[coverage.payer_type]
    resource: dict[str, Any] = {
        "resourceType": "Coverage",
        "id": str(coverage.id),
        "meta": meta(coverage.version, coverage.updated_at),
        "extension": [
            {
                "url": NETWORK_STATUS,
                "valueCoding": coding(
                    NETWORK_STATUS_SYSTEM, coverage.network_status, label(coverage.network_status)
                ),
            },
            {
                "url": REQUIRES_PRIOR_AUTHORIZATION,
                "valueBoolean": coverage.requires_prior_authorization,
            },
        ],
        "status": STATUS,
        "type": {
            "coding": [
                coding(PAYMENT_TYPOLOGY, code, display),
                coding(PAYER_TYPE_SYSTEM, coverage.payer_type, label(coverage.payer_type)),
            ],
            "text": label(coverage.payer_type),
        },
        "beneficiary": reference("Patient", coverage.patient_id),
        "payor": [_payor(coverage)],
    }
    if member_id := text(coverage.member_id):
        resource["identifier"] = [
            {"type": concept(V2_IDENTIFIER_TYPE, "MB", "Member Number"), "value": member_id}
        ]
        resource["subscriberId"] = member_id
    period = {"start": coverage.plan_starts_on, "end": coverage.plan_ends_on}
    if present := {name: day.isoformat() for name, day in period.items() if day is not None}:
        resource["period"] = present
    if group_number := text(coverage.group_number):
        resource["class"] = [
            {"type": concept(COVERAGE_CLASS, "group", "Group"), "value": group_number}
        ]
    if costs := cost_to_beneficiary(coverage):
        resource["costToBeneficiary"] = costs
    return resource


def cost_to_beneficiary(coverage: CoverageRead) -> list[dict[str, Any]]:
    benefits = coverage.benefits
    costs: list[dict[str, Any]] = []
    if benefits.copay_per_day is not None:
        costs.append(_copay(benefits.copay_per_day))
    if benefits.coinsurance is not None:
        costs.append(_coinsurance(benefits.coinsurance))
    if benefits.deductible is not None:
        costs.append(_limit("deductible", "Deductible", benefits.deductible))
    if benefits.out_of_pocket_max is not None:
        costs.append(_limit("maxoutofpocket", "Maximum out of pocket", benefits.out_of_pocket_max))
    return costs


def money(amount: Decimal) -> dict[str, Any]:
    return {"value": float(amount), "currency": CURRENCY}


def _copay(copay: CopayRead) -> dict[str, Any]:
    return {
        "extension": _provenance(copay),
        "type": concept(COVERAGE_COPAY_TYPE, "copay", "Copay Amount"),
        "valueMoney": money(copay.amount),
    }


def _coinsurance(coinsurance: CoinsuranceRead) -> dict[str, Any]:
    percent = coinsurance.rate * 100
    return {
        "extension": _provenance(coinsurance),
        "type": concept(COVERAGE_COPAY_TYPE, "copaypct", "Copay Percentage"),
        "valueQuantity": {"value": float(percent), "unit": "%", "system": UCUM, "code": "%"},
    }


def _limit(code: str, display: str, limit: LimitRead) -> dict[str, Any]:
    return {
        "extension": [{"url": BENEFIT_MET, "valueMoney": money(limit.met)}, *_provenance(limit)],
        "type": concept(COVERAGE_COPAY_TYPE, code, display),
        "valueMoney": money(limit.total),
    }


def _provenance(benefit: Provenance) -> list[dict[str, Any]]:
    return [
        {
            "url": BENEFIT_SOURCE,
            "valueCoding": coding(BENEFIT_SOURCE_SYSTEM, benefit.source, benefit.source),
        },
        {"url": BENEFIT_RECORDED_ON, "valueDate": benefit.recorded_on.isoformat()},
    ]


def _payor(coverage: CoverageRead) -> dict[str, Any]:
    if coverage.payer_type == "self_pay":
        return reference("Patient", coverage.patient_id)
    payor: dict[str, Any] = {
        "display": text(coverage.payer_name) or PAYER_NAMES[coverage.payer_type]
    }
    if payer_id := text(coverage.payer_id):
        payor["identifier"] = {"system": PAYER_ID_SYSTEM, "value": payer_id}
    return payor
