"""Coverage mapping: every coverage the service can hold is a valid R4 Coverage, and each
benefit lands in `costToBeneficiary` under its HL7 copay type."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.coverages.schemas import CoverageRead, PayerType
from app.fhir.mapping.coverage import coverage_resource
from tests.api.fhir.fhir import valid

AMOUNTS = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)
RATES = st.decimals(min_value=0, max_value=1, places=4)
DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
PROVENANCE = {"source": "verified", "recorded_on": "2026-03-02"}


def coverage(**fields: Any) -> CoverageRead:
    return CoverageRead.model_validate(
        {
            "id": uuid.uuid4(),
            "patient_id": uuid.uuid4(),
            "payer_type": "commercial",
            "payer_id": None,
            "payer_name": None,
            "member_id": None,
            "group_number": None,
            "plan_starts_on": None,
            "plan_ends_on": None,
            "network_status": "unknown",
            "requires_prior_authorization": False,
            "benefits": {},
            "version": 1,
            "created_at": datetime(2026, 3, 2, tzinfo=UTC),
            "updated_at": datetime(2026, 3, 2, tzinfo=UTC),
        }
        | fields
    )


def copay_types(resource: dict[str, Any]) -> list[str]:
    return [c["type"]["coding"][0]["code"] for c in resource.get("costToBeneficiary", [])]


@pytest.mark.parametrize(
    ("benefits", "types"),
    [
        ({}, []),
        ({"copay_per_day": {"amount": "25.00"}}, ["copay"]),
        ({"coinsurance": {"rate": "0.2"}}, ["copaypct"]),
        ({"deductible": {"total": "1500.00", "met": "0.00"}}, ["deductible"]),
        ({"out_of_pocket_max": {"total": "4000.00", "met": "10.00"}}, ["maxoutofpocket"]),
        (
            {
                "copay_per_day": {"amount": "25.00"},
                "deductible": {"total": "1500.00", "met": "0.00"},
                "out_of_pocket_max": {"total": "4000.00", "met": "10.00"},
            },
            ["copay", "deductible", "maxoutofpocket"],
        ),
    ],
)
def test_each_benefit_is_a_cost_to_beneficiary_of_its_copay_type(
    benefits: dict[str, Any], types: list[str]
) -> None:
    stamped = {name: value | PROVENANCE for name, value in benefits.items()}
    assert copay_types(valid(coverage_resource(coverage(benefits=stamped)))) == types


@pytest.mark.parametrize(
    ("payer_type", "code"),
    [("commercial", "5"), ("medicare", "1"), ("medicaid", "2"), ("self_pay", "81"), ("other", "9")],
)
def test_the_payer_type_is_a_source_of_payment_typology_code(payer_type: str, code: str) -> None:
    resource = valid(coverage_resource(coverage(payer_type=payer_type)))
    assert resource["type"]["coding"][0] == resource["type"]["coding"][0] | {"code": code}
    assert resource["payor"][0].get("reference", "").startswith("Patient/") == (
        payer_type == "self_pay"
    )


@settings(deadline=None, max_examples=60)
@given(
    payer_type=st.sampled_from(get_args(PayerType)),
    text=st.one_of(
        st.none(),
        st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=80),
    ),
    starts=st.one_of(st.none(), DAYS),
    deductible=st.one_of(st.none(), AMOUNTS),
    rate=st.one_of(st.none(), RATES),
    copay=st.one_of(st.none(), AMOUNTS),
)
def test_every_coverage_maps_to_a_valid_r4_coverage(
    payer_type: str,
    text: str | None,
    starts: date | None,
    deductible: Decimal | None,
    rate: Decimal | None,
    copay: Decimal | None,
) -> None:
    benefits: dict[str, Any] = {}
    if deductible is not None:
        benefits["deductible"] = {"total": deductible, "met": deductible} | PROVENANCE
    if rate is not None:
        benefits["coinsurance"] = {"rate": rate} | PROVENANCE
    elif copay is not None:
        benefits["copay_per_day"] = {"amount": copay} | PROVENANCE
    read = coverage(
        payer_type=payer_type,
        payer_name=text,
        payer_id=text,
        member_id=text,
        group_number=text,
        plan_starts_on=starts,
        benefits=benefits,
    )

    resource = valid(coverage_resource(read))

    assert resource["status"] == "active"
    assert len(resource.get("costToBeneficiary", [])) == len(benefits)
    if rate is not None:
        [pct] = [c for c in resource["costToBeneficiary"] if "valueQuantity" in c]
        assert Decimal(str(pct["valueQuantity"]["value"])) == rate * 100


@pytest.mark.parametrize("blank", ["", " ", "\x0c", " \u00a0\t"])
def test_text_with_nothing_to_show_is_left_out_rather_than_sent_invalid(blank: str) -> None:
    read = coverage(payer_name=blank, payer_id=blank, member_id=blank, group_number=blank)

    resource = valid(coverage_resource(read))

    assert resource["payor"] == [{"display": "Commercial insurer"}]
    for absent in ("identifier", "subscriberId", "class"):
        assert absent not in resource


def test_text_is_sent_trimmed() -> None:
    resource = valid(coverage_resource(coverage(member_id=" BHP-1\n", payer_name="Blue\x0c")))

    assert resource["subscriberId"] == "BHP-1"
    assert resource["payor"][0]["display"] == "Blue"
