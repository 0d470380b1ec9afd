"""The intake assessment the eligibility rules read, and the decision they return.

Every assessment field is optional so that an unfinished intake can still be evaluated and told
exactly what is missing (domain reference `docs/domain.md` §3).
"""

from typing import Annotated, Literal

from pydantic import Field

from app.schemas import Date, Schema

# ASAM levels of care this service places into (3rd edition numbering) plus withdrawal
# management first; `rules.LEVEL_ORDER` ranks them.
Level = Literal["1", "2.1", "2.5", "3", "WM"]
Outcome = Literal["eligible", "refer_higher", "refer_lower", "incomplete"]
DrugScreenResult = Literal["positive", "negative", "not_done"]
Rating = Annotated[int, Field(ge=0, le=4, examples=[2])]

# ICD-10-CM shape: letter, digit, digit or letter (C4A, M1A), then a dot and 1 to 4 characters.
ICD10CM_CODE_PATTERN = r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"


class Clinician(Schema):
    """The professional who made a diagnosis."""

    name: str = Field(
        min_length=1, max_length=200, description="Full name.", examples=["Dr. Ada Reyes"]
    )
    credential: str = Field(
        min_length=1,
        max_length=40,
        description="Professional credential, checked against the program's accepted list.",
        examples=["MD", "LCSW"],
    )
    license_number: str | None = Field(
        default=None,
        max_length=60,
        description="State license number; required to qualify.",
        examples=["A12345"],
    )


class Diagnosis(Schema):
    """One diagnosis and who made it, on which day."""

    code: str = Field(
        pattern=ICD10CM_CODE_PATTERN, description="ICD-10-CM code.", examples=["F10.20", "F33.1"]
    )
    system: Literal["ICD-10-CM"] = Field(
        default="ICD-10-CM", description="Code system.", examples=["ICD-10-CM"]
    )
    diagnosed_by: Clinician = Field(
        description="Who made the diagnosis.",
        examples=[{"name": "Dr. Ada Reyes", "credential": "MD", "license_number": "A12345"}],
    )
    diagnosed_on: Date = Field(description="Day of the diagnosis.", examples=["2026-03-02"])


class DrugScreen(Schema):
    """The admission drug screen."""

    result: DrugScreenResult = Field(description="Overall result.", examples=["negative"])
    collected_on: Date | None = Field(
        default=None, description="Day the sample was collected.", examples=["2026-03-02"]
    )


class Withdrawal(Schema):
    """Withdrawal risk: the clinician's judgement and the standard scales."""

    needs_medical_management: bool = Field(
        description="The clinician judges that medically managed withdrawal is needed.",
        examples=[False],
    )
    ciwa_ar: int | None = Field(
        default=None, ge=0, le=67, description="CIWA-Ar score (alcohol).", examples=[8]
    )
    cows: int | None = Field(
        default=None, ge=0, le=48, description="COWS score (opioids).", examples=[6]
    )


class AsamDimensions(Schema):
    """ASAM risk ratings, 0 (none) to 4 (severe); unrated dimensions are null."""

    d1: Rating | None = Field(default=None, description="D1: intoxication/withdrawal potential.")
    d2: Rating | None = Field(default=None, description="D2: biomedical conditions.")
    d3: Rating | None = Field(default=None, description="D3: emotional/behavioral/cognitive.")
    d4: Rating | None = Field(default=None, description="D4: readiness to change.")
    d5: Rating | None = Field(default=None, description="D5: relapse/continued use potential.")
    d6: Rating | None = Field(default=None, description="D6: recovery/living environment.")


class AsamRating(Schema):
    """An ASAM multidimensional assessment and the edition it was rated with."""

    edition: Literal[3, 4] = Field(description="ASAM Criteria edition.", examples=[3])
    dimensions: AsamDimensions = Field(
        description="The six dimension ratings.",
        examples=[{"d1": 1, "d2": 0, "d3": 2, "d4": 2, "d5": 2, "d6": 1}],
    )


class Assessment(Schema):
    """Everything the admission decision reads; leave unknown items null."""

    age: int | None = Field(default=None, ge=0, le=120, description="Age in years.", examples=[34])
    date_of_birth: Date | None = Field(
        default=None, description="Used for the age when `age` is null.", examples=["1991-07-14"]
    )
    diagnoses: list[Diagnosis] = Field(
        default_factory=list,
        description="Diagnoses with the clinician who made each.",
        examples=[
            [
                {
                    "code": "F10.20",
                    "diagnosed_by": {
                        "name": "Dr. Ada Reyes",
                        "credential": "MD",
                        "license_number": "A12345",
                    },
                    "diagnosed_on": "2026-03-02",
                }
            ]
        ],
    )
    drug_screen: DrugScreen | None = Field(
        default=None,
        description="Admission drug screen.",
        examples=[{"result": "negative", "collected_on": "2026-03-02"}],
    )
    withdrawal: Withdrawal | None = Field(
        default=None,
        description="Withdrawal risk.",
        examples=[{"needs_medical_management": False, "ciwa_ar": 8}],
    )
    asam: AsamRating | None = Field(
        default=None,
        description="ASAM multidimensional assessment.",
        examples=[
            {"edition": 3, "dimensions": {"d1": 1, "d2": 0, "d3": 2, "d4": 2, "d5": 2, "d6": 1}}
        ],
    )
    suicide_risk: bool | None = Field(
        default=None, description="Positive suicide risk screen.", examples=[False]
    )
    needs_24h_supervision: bool | None = Field(
        default=None, description="The patient needs 24-hour supervision.", examples=[False]
    )
    safe_housing: bool | None = Field(
        default=None, description="The patient has a safe place to live.", examples=[True]
    )
    guardian_consent: bool | None = Field(
        default=None, description="A guardian consented (adolescents only).", examples=[True]
    )


class Reason(Schema):
    """One rule that fired, in words for clinic staff."""

    code: str = Field(description="Stable snake_case code.", examples=["dimension_severity_high"])
    message: str = Field(
        description="Short explanation for staff.",
        examples=["D3 is rated 3: partial hospitalization (level 2.5) fits better than IOP."],
    )
    dimension: str | None = Field(
        default=None, description="ASAM dimension concerned, if any.", examples=["d3"]
    )


class Decision(Schema):
    """The admission decision: outcome, level of care, every reason, and what is missing."""

    outcome: Outcome = Field(description="What to do with the referral.", examples=["eligible"])
    recommended_level: Level | None = Field(
        description="ASAM level of care; null when the decision is incomplete.", examples=["2.1"]
    )
    reasons: list[Reason] = Field(description="Every rule that fired, not just the first.")
    missing: list[str] = Field(
        description="Dotted names of the fields to complete.", examples=[["asam.dimensions.d4"]]
    )
    is_adolescent: bool | None = Field(
        description="Younger than the program's adult age; null when age is unknown.",
        examples=[False],
    )
    min_weekly_hours: float | None = Field(
        description="Minimum weekly IOP hours for this patient; null when age is unknown.",
        examples=[9],
    )
