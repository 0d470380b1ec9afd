"""Patient mapping: whatever text `/v1` holds for a patient, the FHIR Patient is valid R4
(a FHIR string must show something: whitespace alone is left out)."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.fhir.mapping.patient import patient_resource
from app.patients.schemas import PatientRead
from tests.api.fhir.fhir import valid

# What the patient schemas accept and JSON can carry: names of 1 to 100 characters (a gender
# identity of up to 40), no NUL, no lone surrogate (no UTF-8 text holds one).
NAMES_CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x00")
NAMES = st.text(NAMES_CHARACTERS, min_size=1, max_size=100)


def patient(**fields: Any) -> PatientRead:
    return PatientRead.model_validate(
        {
            "id": uuid.uuid4(),
            "given_name": "Alex",
            "family_name": "Rivera",
            "date_of_birth": date(1990, 5, 17),
            "identifiers": [],
            "version": 1,
            "created_at": datetime(2026, 3, 2, tzinfo=UTC),
            "updated_at": datetime(2026, 3, 2, tzinfo=UTC),
        }
        | fields
    )


def test_names_are_sent_trimmed() -> None:
    resource = valid(patient_resource(patient(given_name=" Alex ", family_name="Rivera\t")))
    assert resource["name"] == [{"use": "official", "family": "Rivera", "given": ["Alex"]}]


def test_a_name_of_whitespace_alone_is_left_out() -> None:
    resource = valid(patient_resource(patient(given_name="\x0c", family_name="Rivera")))
    assert resource["name"] == [{"use": "official", "family": "Rivera"}]


@settings(deadline=None)
@given(
    given_name=NAMES,
    family_name=NAMES,
    gender_identity=st.none() | st.text(NAMES_CHARACTERS, min_size=1, max_size=40),
)
def test_every_name_the_service_holds_maps_to_a_valid_patient(
    given_name: str, family_name: str, gender_identity: str | None
) -> None:
    valid(
        patient_resource(
            patient(given_name=given_name, family_name=family_name, gender_identity=gender_identity)
        )
    )
