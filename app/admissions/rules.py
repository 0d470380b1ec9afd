"""Admission eligibility for IOP (ASAM level 2.1): pure rules over an assessment.

Each rule returns the findings it fires; `evaluate_eligibility` runs them all, so the decision
lists every reason, not just the first (domain reference `docs/domain.md` §3). Every
threshold comes from `ProgramSettings`; `today` is passed in, so no rule reads a clock.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Literal, get_args

from app.admissions.assessment import Assessment, Decision, Diagnosis, Level, Outcome, Reason
from app.patients.rules import age_on as years_on
from app.programs.settings import ProgramSettings

ReasonCode = Literal[
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
]
REASON_CODES: frozenset[str] = frozenset(get_args(ReasonCode))

# The continuum of care, least to most intensive. Withdrawal management ranks last because
# it comes first whenever it is needed.
LEVEL_ORDER: tuple[Level, ...] = ("1", "2.1", "2.5", "3", "WM")
IOP: Level = "2.1"
DIMENSIONS = ("d1", "d2", "d3", "d4", "d5", "d6")

# docs/domain.md §3.4, a simplification of the ASAM matrix: the highest rating of D2-D6 picks the
# level (0-1 means outpatient, level 1).
CROSSWALK: dict[int, tuple[ReasonCode, Level, str]] = {
    4: ("dimension_severity_high", "3", "residential or inpatient care (level 3) is needed"),
    3: (
        "dimension_severity_high",
        "2.5",
        "partial hospitalization (level 2.5), or residential if the clinician prefers",
    ),
    2: ("severity_fits_iop", "2.1", "IOP (level 2.1) fits"),
}
# Reasons that place the patient in IOP or lower, or say IOP is not blocked: a referral to a
# higher level supersedes them, so they never stand beside one (`_coherent`).
PLACES_IN_IOP_OR_LOWER: frozenset[ReasonCode] = frozenset(
    {"severity_fits_iop", "severity_below_iop", "ambulatory_withdrawal_monitoring"}
)


@dataclass(frozen=True)
class Finding:
    """A fired rule: the reason staff read, the level it asks for, the fields it needs."""

    code: ReasonCode
    message: str
    dimension: str | None = None
    level: Level | None = None
    missing: tuple[str, ...] = ()
    # What a placement reason rests on ("D3 is rated 2"), so that it can be worded to agree
    # with whatever outcome the decision reaches (`_coherent`).
    basis: str | None = None


Rule = Callable[[Assessment, ProgramSettings, date], list[Finding]]


def _ratings(assessment: Assessment) -> dict[str, int | None]:
    dimensions = assessment.asam.dimensions if assessment.asam else None
    return {name: getattr(dimensions, name, None) for name in DIMENSIONS}


def age_on(assessment: Assessment, today: date) -> int | None:
    """Age in years: the recorded age, else from the date of birth; None if unknown."""
    if assessment.age is not None:
        return assessment.age
    born = assessment.date_of_birth
    if born is None or born > today:  # a birth date in the future is a typo, not an age
        return None
    return years_on(born, today)


@dataclass(frozen=True)
class AgeContradiction:
    """A typed age or date of birth that disagrees with the date of birth it is checked against."""

    field: Literal["age", "date_of_birth"]
    code: Literal["contradicts_patient_record", "contradicts_date_of_birth"]
    message: str


def contradictions_of_age(
    assessment: Assessment, recorded_birth: date | None, on: date
) -> list[AgeContradiction]:
    """What in the assessment contradicts the patient record's date of birth (or, without a
    record, the assessment's own date of birth), on the day the assessment was made.

    The record wins over what is typed in: a wrong age would put an adolescent under the adult
    rules (no guardian consent, the adult weekly minimum; docs/domain.md §3.6)."""
    found: list[AgeContradiction] = []
    if recorded_birth is None:
        born, source = assessment.date_of_birth, "the assessment's date_of_birth"
        code: Literal["contradicts_patient_record", "contradicts_date_of_birth"] = (
            "contradicts_date_of_birth"
        )
    else:
        born, source = recorded_birth, "the patient record's date_of_birth"
        code = "contradicts_patient_record"
        typed = assessment.date_of_birth
        if typed is not None and typed != recorded_birth:
            # Neither date is repeated: an error answer carries no patient data (it may be logged
            # or shown where the record itself would not be).
            message = f"date_of_birth contradicts {source}."
            found.append(AgeContradiction("date_of_birth", code, message))
    if born is not None and born <= on and assessment.age is not None:
        actual = years_on(born, on)
        if assessment.age != actual:
            message = f"age {assessment.age} contradicts {source}: the patient is {actual} on {on}."
            found.append(AgeContradiction("age", code, message))
    return found


def check_diagnosis(
    assessment: Assessment, settings: ProgramSettings, today: date
) -> list[Finding]:
    # docs/domain.md §3.1: a qualifying diagnosis (by default ICD-10-CM F10-F19 substance use,
    # F30-F48 mood and anxiety) made by a licensed professional whose credential the program
    # accepts.
    diagnoses = assessment.diagnoses
    if not diagnoses:
        return [Finding("diagnosis_missing", "No diagnosis is recorded.", missing=("diagnoses",))]
    prefixes = tuple(settings.qualifying_diagnosis_prefixes)
    accepted = _accepted_credential_keys(tuple(settings.accepted_credentials))
    problems_of = [_clinician_problems(d, accepted) for d in diagnoses]
    is_qualifying = [d.code.startswith(prefixes) for d in diagnoses]
    if any(q and not problems for q, problems in zip(is_qualifying, problems_of, strict=True)):
        return []
    findings = []
    is_candidate = is_qualifying
    if not any(is_qualifying):
        codes = ", ".join(d.code for d in diagnoses)
        message = f"No recorded diagnosis ({codes}) qualifies for this program."
        findings.append(Finding("diagnosis_not_qualifying", message, missing=("diagnoses",)))
        is_candidate = [True] * len(diagnoses)
    # Name every clinician who stands in the way, so that staff can fix all in one pass.
    for index, (diagnosis, problems, candidate) in enumerate(
        zip(diagnoses, problems_of, is_candidate, strict=True)
    ):
        if problems and candidate:
            said = " and ".join(problem for problem, _ in problems)
            message = f"Diagnosis {diagnosis.code} by {diagnosis.diagnosed_by.name}: {said}."
            missing = tuple(f"diagnoses.{index}.diagnosed_by.{field}" for _, field in problems)
            findings.append(Finding("clinician_not_licensed", message, missing=missing))
    return findings


def _clinician_problems(diagnosis: Diagnosis, accepted: frozenset[str]) -> list[tuple[str, str]]:
    """What keeps this diagnosis's clinician from qualifying, with the field to fix."""
    clinician = diagnosis.diagnosed_by
    problems = []
    if _credential_key(clinician.credential) not in accepted:
        problems.append((f"credential {clinician.credential} is not accepted", "credential"))
    if not (clinician.license_number or "").strip():
        problems.append(("no license number is recorded", "license_number"))
    return problems


@lru_cache(maxsize=256)
def _accepted_credential_keys(credentials: tuple[str, ...]) -> frozenset[str]:
    # Programs share a handful of credential lists: each is normalised once per process, not
    # once per diagnosis of every evaluation.
    return frozenset(_credential_key(credential) for credential in credentials)


def _credential_key(credential: str) -> str:
    # "M.D.", "md" and "MD" are the same credential.
    return credential.replace(".", "").replace(" ", "").casefold()


def check_drug_screen(
    assessment: Assessment, settings: ProgramSettings, today: date
) -> list[Finding]:
    # docs/domain.md §3.2: a program may require a screen at admission (program policy). A positive
    # screen confirms use, it does not exclude: review it, do not refuse on it.
    screen = assessment.drug_screen
    if screen is not None and screen.result == "positive":
        message = "Drug screen is positive: review it; it does not by itself block admission."
        return [Finding("drug_screen_positive", message)]
    if settings.requires_drug_screen and (screen is None or screen.result == "not_done"):
        message = "This program requires a drug screen at admission."
        return [Finding("drug_screen_required", message, missing=("drug_screen",))]
    return []


def check_withdrawal(
    assessment: Assessment, settings: ProgramSettings, today: date
) -> list[Finding]:
    # ASAM Criteria (3rd ed.) dimension 1 and SAMHSA TIP 47: IOP does not manage withdrawal
    # that needs medical care; refer to withdrawal management (WM) first. Scale cut-offs follow
    # the CIWA-Ar (Sullivan 1989) and COWS (Wesson & Ling 2003) severity bands, per program.
    withdrawal = assessment.withdrawal
    d1 = _ratings(assessment)["d1"]
    triggers: list[tuple[str, str | None]] = []
    if withdrawal is not None and withdrawal.needs_medical_management:
        triggers.append(("The clinician judges that medically managed withdrawal is needed", None))
    if d1 is not None and d1 >= 3:
        triggers.append((f"D1 is rated {d1}", "d1"))
    ciwa_ar = withdrawal.ciwa_ar if withdrawal else None
    if ciwa_ar is not None and ciwa_ar >= settings.ciwa_ar_withdrawal_management_at:
        triggers.append(
            (f"CIWA-Ar is {ciwa_ar}, at or above {settings.ciwa_ar_withdrawal_management_at}", None)
        )
    cows = withdrawal.cows if withdrawal else None
    if cows is not None and cows >= settings.cows_withdrawal_management_at:
        triggers.append(
            (f"COWS is {cows}, at or above {settings.cows_withdrawal_management_at}", None)
        )
    findings = [
        Finding(
            "withdrawal_management_needed",
            f"{trigger}: refer to withdrawal management before IOP.",
            dimension=dimension,
            level="WM",
        )
        for trigger, dimension in triggers
    ]
    if d1 == 2:
        # docs/domain.md §3.4: D1 = 2 does not block IOP; withdrawal is monitored as an outpatient.
        # The words depend on the outcome (`_coherent`).
        basis = "D1 is rated 2"
        message = f"{basis}: admit with ambulatory withdrawal monitoring; IOP is not blocked."
        findings.append(
            Finding("ambulatory_withdrawal_monitoring", message, dimension="d1", basis=basis)
        )
    return findings


def check_asam_dimensions(
    assessment: Assessment, settings: ProgramSettings, today: date
) -> list[Finding]:
    # ASAM: all six dimensions are assessed before a placement is made.
    if assessment.asam is None:
        message = "No ASAM multidimensional assessment is recorded."
        return [Finding("asam_dimensions_missing", message, missing=("asam",))]
    return [
        Finding(
            "asam_dimensions_missing",
            f"ASAM dimension {name.upper()} is not rated.",
            dimension=name,
            missing=(f"asam.dimensions.{name}",),
        )
        for name, rating in _ratings(assessment).items()
        if rating is None
    ]


def check_severity(assessment: Assessment, settings: ProgramSettings, today: date) -> list[Finding]:
    # ASAM: placement follows the highest-risk dimension of D2-D6, never the average.
    rated = {name: rating for name, rating in _ratings(assessment).items() if rating is not None}
    rated.pop("d1", None)  # D1 is judged by check_withdrawal
    if not rated:
        return []
    highest = max(rated.values())
    if highest < 3 and len(rated) < len(DIMENSIONS) - 1:
        return []  # an unrated dimension could still raise the level
    if highest <= 1:
        basis = f"D2-D6 are rated {highest} at most"
        message = f"{basis}: outpatient care (level 1) is enough."
        return [Finding("severity_below_iop", message, level="1", basis=basis)]
    code, level, care = CROSSWALK[highest]
    return [
        Finding(
            code,
            f"{name.upper()} is rated {highest}: {care}.",
            dimension=name,
            level=level,
            basis=f"{name.upper()} is rated {highest}",
        )
        for name, rating in rated.items()
        if rating == highest
    ]


def check_safety(assessment: Assessment, settings: ProgramSettings, today: date) -> list[Finding]:
    # SAMHSA TIP 47 and docs/domain.md §1: IOP is not for patients at risk of harming themselves,
    # who need 24-hour supervision, or who have no safe home to return to after each session.
    findings = []
    if assessment.suicide_risk:
        message = "Suicide risk is reported: refer to a higher level of care for safety."
        findings.append(Finding("suicide_risk", message, level="3"))
    if assessment.needs_24h_supervision:
        message = "The patient needs 24-hour supervision, which IOP does not provide."
        findings.append(Finding("needs_24h_supervision", message, level="3"))
    if assessment.safe_housing is False:
        message = "No safe housing: IOP patients live at home; consider residential care."
        findings.append(Finding("no_safe_housing", message, level="3"))
    # Unanswered safety questions block an IOP admission until someone asks them.
    questions = {
        "suicide_risk": "Suicide risk",
        "needs_24h_supervision": "The need for 24-hour supervision",
        "safe_housing": "Safe housing",
    }
    for field, question in questions.items():
        if getattr(assessment, field) is None:
            message = f"{question} has not been screened."
            findings.append(Finding("safety_screen_missing", message, missing=(field,)))
    return findings


def check_age(assessment: Assessment, settings: ProgramSettings, today: date) -> list[Finding]:
    # ASAM adolescent criteria and docs/domain.md §3.6: adolescents have their own minimum hours
    # (6 by default) and need a guardian's consent.
    age = age_on(assessment, today)
    if age is None:
        return [
            Finding("age_missing", "Age is unknown: record age or date of birth.", missing=("age",))
        ]
    if age >= settings.adult_age:
        return []
    findings = [
        Finding(
            "adolescent",
            f"Age {age} is under {settings.adult_age}: adolescent minimum hours apply.",
        )
    ]
    if assessment.guardian_consent is not True:
        message = "An adolescent needs a guardian's consent before admission."
        findings.append(Finding("guardian_consent_missing", message, missing=("guardian_consent",)))
    return findings


# In the order of docs/domain.md §3, so the reasons read like the clinic's intake checklist.
RULES: tuple[Rule, ...] = (
    check_diagnosis,
    check_drug_screen,
    check_withdrawal,
    check_asam_dimensions,
    check_severity,
    check_safety,
    check_age,
)


def evaluate_eligibility(
    assessment: Assessment, settings: ProgramSettings, today: date
) -> Decision:
    """Decide whether an assessment fits IOP, and list every reason and missing item."""
    findings = [finding for rule in RULES for finding in rule(assessment, settings, today)]
    missing = list(dict.fromkeys(field for f in findings for field in f.missing))
    asked = [f.level for f in findings if f.level is not None]
    outcome, level = _place(max(asked, key=LEVEL_ORDER.index) if asked else None, missing)
    findings = _coherent(findings, outcome)
    age = age_on(assessment, today)
    is_adolescent = None if age is None else age < settings.adult_age
    return Decision(
        outcome=outcome,
        recommended_level=level,
        reasons=[Reason(code=f.code, message=f.message, dimension=f.dimension) for f in findings],
        missing=missing,
        is_adolescent=is_adolescent,
        min_weekly_hours=_min_weekly_hours(is_adolescent, settings),
    )


def _place(level: Level | None, missing: list[str]) -> tuple[Outcome, Level | None]:
    # Safety first: a need for more care than IOP stands even while data is still missing.
    if level is not None and LEVEL_ORDER.index(level) > LEVEL_ORDER.index(IOP):
        return "refer_higher", level
    if missing or level is None:
        return "incomplete", None
    return ("refer_lower" if level == "1" else "eligible"), level


def _coherent(findings: list[Finding], outcome: Outcome) -> list[Finding]:
    """The reasons as the outcome reads them, so that none contradicts it.

    A referral to a higher level supersedes what would place the patient in IOP or lower (the
    most severe finding decides, docs/domain.md §3.4); a referral to outpatient care or an
    incomplete decision states no IOP admission as settled.
    """
    if outcome == "refer_higher":
        return [f for f in findings if f.code not in PLACES_IN_IOP_OR_LOWER]
    if outcome == "eligible":
        return findings
    return [_reworded(f, _tentative(f, outcome)) for f in findings]


def _reworded(finding: Finding, message: str) -> Finding:
    # Most findings keep their words: copy only those that change.
    return finding if message == finding.message else replace(finding, message=message)


def _tentative(finding: Finding, outcome: Outcome) -> str:
    """The words of a placement reason when the decision is not an IOP admission."""
    basis = finding.basis
    if basis is None:
        return finding.message
    if finding.code == "ambulatory_withdrawal_monitoring":
        if outcome == "refer_lower":
            return f"{basis}: monitor withdrawal as an outpatient."
        return f"{basis}: withdrawal can be monitored as an outpatient; it does not rule out IOP."
    if finding.code == "severity_fits_iop":  # incomplete: a referral would have superseded it
        return f"{basis}: IOP (level 2.1) would fit once the missing items are recorded."
    if finding.code == "severity_below_iop" and outcome == "incomplete":
        return f"{basis}: outpatient care (level 1) would be enough; record the missing items."
    return finding.message


def _min_weekly_hours(is_adolescent: bool | None, settings: ProgramSettings) -> float | None:
    # ASAM level 2.1: 9+ hours a week for adults, 6+ for adolescents (docs/domain.md §2).
    if is_adolescent is None:
        return None
    return settings.min_weekly_hours_adolescent if is_adolescent else settings.min_weekly_hours
