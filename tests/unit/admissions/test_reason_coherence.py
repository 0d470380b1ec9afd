"""The reasons of a decision never contradict its outcome (docs/domain.md §3).

A referral to withdrawal management that also says "IOP fits" or "IOP is not blocked" leaves
staff with two answers; the decision gives one, and every reason reads in its light.
"""

from typing import Any

import pytest
from hypothesis import given, settings

from app.admissions.assessment import Decision
from app.programs.settings import ProgramSettings
from tests.unit.admissions.test_eligibility_rules import (
    changes,
    codes,
    decide,
    evaluate,
    make_assessment,
    program_settings,
)

# What each outcome may never be told beside it: reason codes that place the patient
# elsewhere, and words that settle a different placement.
CONTRADICTING_CODES = {
    "eligible": {
        "withdrawal_management_needed", "dimension_severity_high", "severity_below_iop",
        "suicide_risk", "needs_24h_supervision", "no_safe_housing",
    },
    "refer_higher": {"severity_fits_iop", "severity_below_iop", "ambulatory_withdrawal_monitoring"},
    "refer_lower": {
        "withdrawal_management_needed", "dimension_severity_high", "severity_fits_iop",
        "suicide_risk", "needs_24h_supervision", "no_safe_housing",
    },
    "incomplete": {
        "withdrawal_management_needed", "dimension_severity_high", "suicide_risk",
        "needs_24h_supervision", "no_safe_housing",
    },
}  # fmt: skip
CONTRADICTING_WORDS = {
    "eligible": ["refer to", "is enough", "is needed"],
    "refer_higher": ["IOP (level 2.1) fits", "not blocked", "admit with", "is enough"],
    "refer_lower": ["IOP (level 2.1) fits", "not blocked", "admit with", "is needed"],
    "incomplete": ["IOP (level 2.1) fits.", "not blocked", "admit with", "is enough."],
}


def contradictions(decision: Decision) -> list[str]:
    said = [r.code for r in decision.reasons if r.code in CONTRADICTING_CODES[decision.outcome]]
    said += [
        r.message
        for r in decision.reasons
        for words in CONTRADICTING_WORDS[decision.outcome]
        if words in r.message
    ]
    return said


@pytest.mark.parametrize(
    ("change", "outcome", "absent"),
    [
        pytest.param(
            {"d1": 2, "ciwa_ar": 20}, "refer_higher", {"ambulatory_withdrawal_monitoring"},
            id="withdrawal management is not also 'IOP is not blocked'",
        ),
        pytest.param(
            {"needs_medical_management": True}, "refer_higher", {"severity_fits_iop"},
            id="withdrawal management is not also 'IOP fits'",
        ),
        pytest.param(
            {"suicide_risk": True, "d3": 1}, "refer_higher", {"severity_below_iop"},
            id="a safety referral is not also 'outpatient care is enough'",
        ),
        pytest.param(
            {"safe_housing": False}, "refer_higher", {"severity_fits_iop"},
            id="no safe home is not also 'IOP fits'",
        ),
    ],
)  # fmt: skip
def test_a_referral_higher_drops_the_reasons_it_supersedes(
    change: dict[str, Any], outcome: str, absent: set[str]
) -> None:
    decision = decide(make_assessment(**change))
    assert decision.outcome == outcome
    assert not absent & set(codes(decision))
    assert contradictions(decision) == []


def test_a_withdrawal_management_referral_keeps_every_reason_pointing_higher() -> None:
    decision = decide(make_assessment(ciwa_ar=20, d1=2, d3=3))
    assert decision.recommended_level == "WM"
    assert codes(decision) == ["withdrawal_management_needed", "dimension_severity_high"]


def test_d1_of_two_beside_a_referral_to_outpatient_care_is_monitored_not_admitted() -> None:
    decision = decide(make_assessment(d1=2, d3=1))
    assert decision.outcome == "refer_lower"
    [monitoring] = [r for r in decision.reasons if r.code == "ambulatory_withdrawal_monitoring"]
    assert monitoring.message == "D1 is rated 2: monitor withdrawal as an outpatient."


def test_an_incomplete_decision_says_iop_would_fit_not_that_it_fits() -> None:
    decision = decide(make_assessment(diagnoses=()))
    assert decision.outcome == "incomplete"
    [fits] = [r for r in decision.reasons if r.code == "severity_fits_iop"]
    assert (
        fits.message
        == "D3 is rated 2: IOP (level 2.1) would fit once the missing items are recorded."
    )


def test_an_eligible_decision_keeps_its_words() -> None:
    decision = decide(make_assessment(d1=2))
    assert decision.outcome == "eligible"
    assert [r.message for r in decision.reasons] == [
        "D1 is rated 2: admit with ambulatory withdrawal monitoring; IOP is not blocked.",
        "D3 is rated 2: IOP (level 2.1) fits.",
    ]


@settings(deadline=None)
@given(change=changes(), program=program_settings)
def test_the_reasons_never_contradict_the_outcome(
    change: dict[str, Any], program: ProgramSettings
) -> None:
    decision = evaluate(change, program)
    assert contradictions(decision) == []


@settings(deadline=None)
@given(change=changes(), program=program_settings)
def test_a_referral_higher_gives_only_reasons_for_more_care_or_what_is_missing(
    change: dict[str, Any], program: ProgramSettings
) -> None:
    decision = evaluate(change, program)
    if decision.outcome == "refer_higher":
        assert {
            "withdrawal_management_needed", "dimension_severity_high", "suicide_risk",
            "needs_24h_supervision", "no_safe_housing",
        } & set(codes(decision))  # fmt: skip
