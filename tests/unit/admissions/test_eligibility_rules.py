"""Admission eligibility rules (docs/domain.md §3): crosswalk table, behaviours and properties."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from app.admissions.assessment import (
    AsamDimensions,
    AsamRating,
    Assessment,
    Clinician,
    Decision,
    Diagnosis,
    DrugScreen,
    DrugScreenResult,
    Withdrawal,
)
from app.admissions.rules import LEVEL_ORDER, REASON_CODES, evaluate_eligibility
from app.programs.settings import ProgramSettings

TODAY = date(2026, 3, 2)
DIMENSIONS = ("d1", "d2", "d3", "d4", "d5", "d6")
DOCUMENTED_CODES = {
    "diagnosis_missing",
    "diagnosis_not_qualifying",
    "clinician_not_licensed",
    "drug_screen_required",
    "drug_screen_positive",
    "withdrawal_management_needed",
    "ambulatory_withdrawal_monitoring",
    "dimension_severity_high",
    "severity_fits_iop",
    "severity_below_iop",
    "asam_dimensions_missing",
    "age_missing",
    "adolescent",
    "guardian_consent_missing",
    "suicide_risk",
    "needs_24h_supervision",
    "no_safe_housing",
    "safety_screen_missing",
}


def make_diagnosis(
    *,
    code: str = "F10.20",
    credential: str = "MD",
    license_number: str | None = "A12345",
) -> Diagnosis:
    clinician = Clinician(
        name="Dr. Ada Reyes", credential=credential, license_number=license_number
    )
    return Diagnosis(code=code, diagnosed_by=clinician, diagnosed_on=TODAY)


def make_assessment(
    *,
    d1: int | None = 1,
    d2: int | None = 0,
    d3: int | None = 2,
    d4: int | None = 1,
    d5: int | None = 1,
    d6: int | None = 1,
    asam_rated: bool = True,
    age: int | None = 34,
    date_of_birth: date | None = None,
    diagnoses: Sequence[Diagnosis] = (make_diagnosis(),),
    drug_screen: DrugScreenResult | None = "negative",
    needs_medical_management: bool = False,
    ciwa_ar: int | None = None,
    cows: int | None = None,
    suicide_risk: bool | None = False,
    needs_24h_supervision: bool | None = False,
    safe_housing: bool | None = True,
    guardian_consent: bool | None = None,
) -> Assessment:
    """An adult who fits IOP unless told otherwise."""
    dimensions = AsamDimensions(d1=d1, d2=d2, d3=d3, d4=d4, d5=d5, d6=d6)
    return Assessment(
        age=age,
        date_of_birth=date_of_birth,
        diagnoses=list(diagnoses),
        drug_screen=None if drug_screen is None else DrugScreen(result=drug_screen),
        withdrawal=Withdrawal(
            needs_medical_management=needs_medical_management, ciwa_ar=ciwa_ar, cows=cows
        ),
        asam=AsamRating(edition=3, dimensions=dimensions) if asam_rated else None,
        suicide_risk=suicide_risk,
        needs_24h_supervision=needs_24h_supervision,
        safe_housing=safe_housing,
        guardian_consent=guardian_consent,
    )


def decide(assessment: Assessment, **settings: Any) -> Decision:
    return evaluate_eligibility(assessment, ProgramSettings(**settings), TODAY)


def codes(decision: Decision) -> list[str]:
    return [reason.code for reason in decision.reasons]


def rank(level: str | None) -> int:
    return -1 if level is None else LEVEL_ORDER.index(level)


# --- the crosswalk of docs/domain.md §3.4, as a table ---------------------------------------------

CROSSWALK = [
    # (dimension ratings over the eligible baseline, outcome, recommended level)
    pytest.param({"d1": 4}, "refer_higher", "WM", id="D1 4: withdrawal management"),
    pytest.param({"d1": 3}, "refer_higher", "WM", id="D1 3: withdrawal management"),
    pytest.param({"d1": 3, "d3": 4}, "refer_higher", "WM", id="WM comes before residential"),
    pytest.param({"d1": 2}, "eligible", "2.1", id="D1 2 does not block IOP"),
    pytest.param({"d2": 4}, "refer_higher", "3", id="highest 4: residential"),
    pytest.param({"d3": 3}, "refer_higher", "2.5", id="highest 3: partial hospitalization"),
    pytest.param({"d3": 2}, "eligible", "2.1", id="highest 2: IOP"),
    pytest.param({"d3": 1}, "refer_lower", "1", id="highest 1: outpatient"),
    pytest.param(dict.fromkeys(DIMENSIONS, 0), "refer_lower", "1", id="all 0: outpatient"),
    pytest.param({"d3": 0, "d4": 0, "d5": 0, "d6": 4}, "refer_higher", "3", id="not the average"),
]


@pytest.mark.parametrize(("ratings", "outcome", "level"), CROSSWALK)
def test_placement_follows_the_asam_crosswalk(
    ratings: dict[str, Any], outcome: str, level: str
) -> None:
    decision = decide(make_assessment(**ratings))
    assert (decision.outcome, decision.recommended_level) == (outcome, level)


@pytest.mark.parametrize("dimension", DIMENSIONS[1:])
@pytest.mark.parametrize(
    ("rating", "level"), [(0, "1"), (1, "1"), (2, "2.1"), (3, "2.5"), (4, "3")]
)
def test_any_one_of_d2_to_d6_alone_decides_the_level(
    dimension: str, rating: int, level: str
) -> None:
    others: dict[str, Any] = dict.fromkeys(DIMENSIONS, 0)
    decision = decide(make_assessment(**{**others, dimension: rating}))
    assert decision.recommended_level == level


# --- behaviours ------------------------------------------------------------------------------


def test_an_adult_who_fits_iop_is_eligible_with_adult_minimum_hours() -> None:
    decision = decide(make_assessment())
    assert decision.outcome == "eligible"
    assert decision.recommended_level == "2.1"
    assert decision.missing == []
    assert codes(decision) == ["severity_fits_iop"]
    assert (decision.is_adolescent, decision.min_weekly_hours) == (False, 9)


@pytest.mark.parametrize(
    "withdrawal_risk",
    [{"needs_medical_management": True}, {"ciwa_ar": 16}, {"cows": 25}, {"d1": 3}],
    ids=["clinician judgement", "CIWA-Ar 16", "COWS 25", "D1 3"],
)
def test_withdrawal_risk_refers_to_withdrawal_management_even_when_iop_dimensions_fit(
    withdrawal_risk: dict[str, Any],
) -> None:
    decision = decide(make_assessment(**withdrawal_risk))
    assert (decision.outcome, decision.recommended_level) == ("refer_higher", "WM")
    assert "withdrawal_management_needed" in codes(decision)


def test_withdrawal_scores_below_the_program_thresholds_do_not_refer() -> None:
    assert decide(make_assessment(ciwa_ar=15, cows=24)).outcome == "eligible"
    tighter = decide(make_assessment(ciwa_ar=15), ciwa_ar_withdrawal_management_at=10)
    assert tighter.recommended_level == "WM"


def test_d1_of_two_admits_to_iop_with_ambulatory_withdrawal_monitoring() -> None:
    decision = decide(make_assessment(d1=2))
    assert decision.outcome == "eligible"
    monitoring = [r for r in decision.reasons if r.code == "ambulatory_withdrawal_monitoring"]
    assert [r.dimension for r in monitoring] == ["d1"]


def test_every_dimension_at_the_highest_rating_gets_its_own_reason() -> None:
    decision = decide(make_assessment(d2=3, d3=2, d5=3))
    high = [r.dimension for r in decision.reasons if r.code == "dimension_severity_high"]
    assert high == ["d2", "d5"]
    assert decision.recommended_level == "2.5"


def test_decision_lists_every_reason_not_just_the_first() -> None:
    decision = decide(
        make_assessment(diagnoses=(), drug_screen="not_done", d4=None, suicide_risk=True, age=16)
    )
    assert {
        "diagnosis_missing",
        "drug_screen_required",
        "asam_dimensions_missing",
        "suicide_risk",
        "adolescent",
        "guardian_consent_missing",
    } <= set(codes(decision))
    assert decision.missing == [
        "diagnoses",
        "drug_screen",
        "asam.dimensions.d4",
        "guardian_consent",
    ]


def test_need_for_more_care_refers_higher_even_while_data_is_missing() -> None:
    decision = decide(make_assessment(d3=4, d5=None, diagnoses=()))
    assert (decision.outcome, decision.recommended_level) == ("refer_higher", "3")
    assert decision.missing == ["diagnoses", "asam.dimensions.d5"]


REMOVALS: dict[str, dict[str, Any]] = {
    # dotted name a front-end highlights: the inputs that remove it
    "diagnoses": {"diagnoses": ()},
    "drug_screen": {"drug_screen": None},
    "asam": {"asam_rated": False},
    **{f"asam.dimensions.{name}": {name: None} for name in DIMENSIONS},
    "age": {"age": None, "date_of_birth": None},
    "suicide_risk": {"suicide_risk": None},
    "needs_24h_supervision": {"needs_24h_supervision": None},
    "safe_housing": {"safe_housing": None},
}


@pytest.mark.parametrize(("missing", "removal"), REMOVALS.items(), ids=REMOVALS.keys())
def test_missing_input_makes_the_decision_incomplete_and_names_the_field(
    missing: str, removal: dict[str, Any]
) -> None:
    decision = decide(make_assessment(**removal))
    assert (decision.outcome, decision.recommended_level) == ("incomplete", None)
    assert decision.missing == [missing]


def test_a_diagnosis_outside_the_qualifying_categories_counts_as_missing() -> None:
    decision = decide(make_assessment(diagnoses=[make_diagnosis(code="F20.9")]))
    assert decision.outcome == "incomplete"
    assert codes(decision) == ["diagnosis_not_qualifying", "severity_fits_iop"]
    assert decision.missing == ["diagnoses"]


@pytest.mark.parametrize(
    ("credential", "license_number", "fields"),
    [
        ("RN", "A12345", ["credential"]),
        ("MD", None, ["license_number"]),
        ("MD", "  ", ["license_number"]),
        ("CNA", None, ["credential", "license_number"]),
    ],
)
def test_a_diagnosis_needs_an_accepted_licensed_clinician(
    credential: str, license_number: str | None, fields: list[str]
) -> None:
    diagnosis = make_diagnosis(credential=credential, license_number=license_number)
    decision = decide(make_assessment(diagnoses=[diagnosis]))
    assert decision.outcome == "incomplete"
    assert "clinician_not_licensed" in codes(decision)
    assert decision.missing == [f"diagnoses.0.diagnosed_by.{field}" for field in fields]


def test_one_qualifying_diagnosis_by_an_accepted_licensed_clinician_is_enough() -> None:
    diagnoses = [make_diagnosis(code="Z63.0", credential="RN"), make_diagnosis(code="F41.1")]
    assert decide(make_assessment(diagnoses=diagnoses)).outcome == "eligible"


def test_only_clinicians_of_qualifying_diagnoses_are_named() -> None:
    diagnoses = [make_diagnosis(code="Z63.0", credential="RN"), make_diagnosis(credential="RN")]
    decision = decide(make_assessment(diagnoses=diagnoses))
    assert decision.missing == ["diagnoses.1.diagnosed_by.credential"]


@pytest.mark.parametrize("credential", ["M.D.", "md", " MD "])
def test_credential_spelling_does_not_matter(credential: str) -> None:
    diagnosis = make_diagnosis(credential=credential)
    assert decide(make_assessment(diagnoses=[diagnosis])).outcome == "eligible"


def test_a_narrower_credential_list_turns_away_other_clinicians() -> None:
    diagnosis = make_diagnosis(credential="LCSW")
    assert decide(make_assessment(diagnoses=[diagnosis])).outcome == "eligible"
    narrower = decide(make_assessment(diagnoses=[diagnosis]), accepted_credentials=["MD", "DO"])
    assert "clinician_not_licensed" in codes(narrower)


def test_narrower_diagnosis_categories_come_from_the_program() -> None:
    decision = decide(
        make_assessment(diagnoses=[make_diagnosis(code="F32.1")]),
        qualifying_diagnosis_prefixes=["F10", "F11"],
    )
    assert "diagnosis_not_qualifying" in codes(decision)


@pytest.mark.parametrize("screen", [None, "not_done"])
def test_a_required_drug_screen_that_was_not_done_is_missing(
    screen: DrugScreenResult | None,
) -> None:
    decision = decide(make_assessment(drug_screen=screen))
    assert decision.outcome == "incomplete"
    assert "drug_screen_required" in codes(decision)
    assert decide(make_assessment(drug_screen=screen), requires_drug_screen=False).outcome == (
        "eligible"
    )


def test_a_positive_drug_screen_is_reported_but_does_not_block_iop() -> None:
    decision = decide(make_assessment(drug_screen="positive"))
    assert decision.outcome == "eligible"
    assert "drug_screen_positive" in codes(decision)


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ({"suicide_risk": True}, "suicide_risk"),
        ({"needs_24h_supervision": True}, "needs_24h_supervision"),
        ({"safe_housing": False}, "no_safe_housing"),
    ],
)
def test_safety_concerns_refer_to_residential_care(answer: dict[str, Any], code: str) -> None:
    decision = decide(make_assessment(**answer))
    assert (decision.outcome, decision.recommended_level) == ("refer_higher", "3")
    assert code in codes(decision)


@pytest.mark.parametrize(
    ("date_of_birth", "is_adolescent"),
    [(date(2008, 3, 3), True), (date(2008, 3, 2), False), (date(1990, 1, 1), False)],
    ids=["day before 18th birthday", "18th birthday", "adult"],
)
def test_age_comes_from_the_date_of_birth_on_the_given_day(
    date_of_birth: date, is_adolescent: bool
) -> None:
    decision = decide(make_assessment(age=None, date_of_birth=date_of_birth, guardian_consent=True))
    assert decision.is_adolescent is is_adolescent


def test_a_recorded_age_wins_over_the_date_of_birth() -> None:
    decision = decide(make_assessment(age=40, date_of_birth=date(2010, 1, 1)))
    assert decision.is_adolescent is False


def test_a_date_of_birth_in_the_future_counts_as_unknown_age() -> None:
    decision = decide(make_assessment(age=None, date_of_birth=TODAY + timedelta(days=1)))
    assert decision.missing == ["age"]
    assert (decision.is_adolescent, decision.min_weekly_hours) == (None, None)


def test_an_adolescent_with_guardian_consent_is_eligible_with_adolescent_minimum_hours() -> None:
    decision = decide(make_assessment(age=16, guardian_consent=True))
    assert decision.outcome == "eligible"
    assert "adolescent" in codes(decision)
    assert (decision.is_adolescent, decision.min_weekly_hours) == (True, 6)


@pytest.mark.parametrize("consent", [None, False])
def test_an_adolescent_without_guardian_consent_is_incomplete(consent: bool | None) -> None:
    decision = decide(make_assessment(age=16, guardian_consent=consent))
    assert decision.outcome == "incomplete"
    assert decision.missing == ["guardian_consent"]


def test_the_adult_age_comes_from_the_program() -> None:
    decision = decide(make_assessment(age=19), adult_age=21)
    assert decision.is_adolescent is True
    assert "guardian_consent_missing" in codes(decision)


@pytest.mark.parametrize("code", ["F10.20", "F32.A", "C4A.0", "T40.1X1A", "F10"])
def test_well_formed_icd10cm_codes_are_accepted(code: str) -> None:
    assert make_diagnosis(code=code).code == code


@pytest.mark.parametrize("code", ["", "F1020", "f10.20", "F10.", "10.20", "F10.20000"])
def test_malformed_icd10cm_codes_are_rejected(code: str) -> None:
    with pytest.raises(ValidationError):
        make_diagnosis(code=code)


@pytest.mark.parametrize(
    "build",
    [
        lambda: AsamDimensions(d3=5),
        lambda: AsamDimensions(d3=-1),
        lambda: Withdrawal(needs_medical_management=False, ciwa_ar=68),
        lambda: Withdrawal(needs_medical_management=False, cows=49),
        lambda: Assessment(age=121),
        lambda: Assessment(unknown_field=True),  # type: ignore[call-arg]  # the point
    ],
    ids=["D3 5", "D3 -1", "CIWA-Ar 68", "COWS 49", "age 121", "unknown field"],
)
def test_values_outside_their_scales_are_rejected(build: Any) -> None:
    with pytest.raises(ValidationError):
        build()


# --- properties ------------------------------------------------------------------------------

ratings = st.none() | st.integers(0, 4)
CHANGES: dict[str, st.SearchStrategy[Any]] = {
    **dict.fromkeys(DIMENSIONS, ratings),
    "asam_rated": st.booleans(),
    "age": st.none() | st.integers(0, 120),
    "date_of_birth": st.none() | st.dates(date(1906, 1, 1), TODAY + timedelta(days=30)),
    "diagnoses": st.lists(
        st.builds(
            make_diagnosis,
            code=st.sampled_from(["F10.20", "F11.20", "F32.1", "F41.1", "F20.9", "Z63.0"]),
            credential=st.sampled_from(["MD", "LCSW", "PsyD", "RN"]),
            license_number=st.sampled_from([None, "", "A12345"]),
        ),
        max_size=3,
    ),
    "drug_screen": st.sampled_from([None, "positive", "negative", "not_done"]),
    "needs_medical_management": st.booleans(),
    "ciwa_ar": st.none() | st.integers(0, 67),
    "cows": st.none() | st.integers(0, 48),
    "suicide_risk": st.none() | st.booleans(),
    "needs_24h_supervision": st.none() | st.booleans(),
    "safe_housing": st.none() | st.booleans(),
    "guardian_consent": st.none() | st.booleans(),
}


@st.composite
def changes(draw: st.DrawFn) -> dict[str, Any]:
    """D2-D6 under a random ceiling, then a few other changes to the eligible baseline.

    The ceiling makes every placement turn up often; the few changes mix defects.
    """
    ceiling = draw(st.integers(0, 4))
    ratings = {name: draw(st.integers(0, ceiling)) for name in DIMENSIONS[1:]}
    names = st.sampled_from(sorted(CHANGES))
    others = draw(st.lists(names.flatmap(lambda n: st.tuples(st.just(n), CHANGES[n])), max_size=4))
    return {**ratings, **dict(others)}


program_settings = st.builds(
    ProgramSettings,
    requires_drug_screen=st.booleans(),
    accepted_credentials=st.sampled_from([["MD"], ["MD", "LCSW"], ["RN"]]),
    adult_age=st.integers(16, 21),
    ciwa_ar_withdrawal_management_at=st.integers(8, 20),
    cows_withdrawal_management_at=st.integers(13, 36),
)


def evaluate(change: dict[str, Any], settings: ProgramSettings) -> Decision:
    return evaluate_eligibility(make_assessment(**change), settings, TODAY)


@given(
    change=changes(),
    settings=program_settings,
    dimension=st.sampled_from(DIMENSIONS),
    data=st.data(),
)
def test_raising_any_one_dimension_never_lowers_the_recommended_level(
    change: dict[str, Any], settings: ProgramSettings, dimension: str, data: st.DataObject
) -> None:
    low = data.draw(st.integers(0, 3))
    high = data.draw(st.integers(low + 1, 4))
    before = evaluate({**change, "asam_rated": True, dimension: low}, settings)
    after = evaluate({**change, "asam_rated": True, dimension: high}, settings)
    assert rank(after.recommended_level) >= rank(before.recommended_level)


@given(change=changes(), settings=program_settings)
def test_an_eligible_decision_always_recommends_iop_and_misses_nothing(
    change: dict[str, Any], settings: ProgramSettings
) -> None:
    decision = evaluate(change, settings)
    if decision.outcome == "eligible":
        assert decision.recommended_level == "2.1"
        assert decision.missing == []


@given(change=changes(), settings=program_settings)
def test_outcome_and_level_always_agree(change: dict[str, Any], settings: ProgramSettings) -> None:
    decision = evaluate(change, settings)
    expected_levels: dict[str, set[str | None]] = {
        "eligible": {"2.1"},
        "refer_lower": {"1"},
        "refer_higher": {"2.5", "3", "WM"},
        "incomplete": {None},
    }
    assert decision.recommended_level in expected_levels[decision.outcome]
    if decision.outcome == "incomplete":
        assert decision.missing
    if decision.outcome in {"eligible", "refer_lower"}:
        assert decision.missing == []


def test_reason_codes_are_the_documented_set() -> None:
    assert REASON_CODES == DOCUMENTED_CODES


@given(change=changes(), settings=program_settings)
def test_every_reason_code_is_documented(change: dict[str, Any], settings: ProgramSettings) -> None:
    assert set(codes(evaluate(change, settings))) <= DOCUMENTED_CODES


@given(change=changes(), settings=program_settings, removed=st.sampled_from(sorted(REMOVALS)))
def test_removing_a_required_input_never_makes_a_decision_eligible(
    change: dict[str, Any], settings: ProgramSettings, removed: str
) -> None:
    # Stronger than "an incomplete or referred decision never turns eligible": whatever the
    # decision was, it is not eligible once a required input is gone, and the gap is named.
    settings = settings.model_copy(update={"requires_drug_screen": True})
    after = evaluate({**change, **REMOVALS[removed]}, settings)
    assert after.outcome != "eligible"
    assert removed in after.missing or (removed.startswith("asam") and "asam" in after.missing)


@given(change=changes(), settings=program_settings)
def test_a_program_without_a_required_drug_screen_never_asks_for_one(
    change: dict[str, Any], settings: ProgramSettings
) -> None:
    settings = settings.model_copy(update={"requires_drug_screen": False})
    without_screen = evaluate({**change, "drug_screen": None}, settings)
    assert "drug_screen" not in without_screen.missing
    assert (
        without_screen.outcome == evaluate({**change, "drug_screen": "negative"}, settings).outcome
    )


@given(change=changes(), settings=program_settings)
def test_an_eligible_decision_has_a_diagnosis_by_an_accepted_credential(
    change: dict[str, Any], settings: ProgramSettings
) -> None:
    decision = evaluate(change, settings)
    if decision.outcome == "eligible":
        assert any(
            d.diagnosed_by.credential in settings.accepted_credentials
            and d.diagnosed_by.license_number
            for d in make_assessment(**change).diagnoses
        )


@given(ciwa_ar=st.integers(0, 67), threshold=st.integers(0, 67))
def test_ciwa_ar_refers_to_withdrawal_management_exactly_at_the_program_threshold(
    ciwa_ar: int, threshold: int
) -> None:
    decision = decide(make_assessment(ciwa_ar=ciwa_ar), ciwa_ar_withdrawal_management_at=threshold)
    assert (decision.recommended_level == "WM") is (ciwa_ar >= threshold)


@given(age=st.integers(0, 120), adult_age=st.integers(1, 30))
def test_adolescent_hours_apply_exactly_below_the_program_adult_age(
    age: int, adult_age: int
) -> None:
    decision = decide(make_assessment(age=age, guardian_consent=True), adult_age=adult_age)
    assert decision.is_adolescent is (age < adult_age)
    assert decision.min_weekly_hours == (6 if age < adult_age else 9)
