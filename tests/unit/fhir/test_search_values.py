"""FHIR search values: date prefixes at the precision given, references, the status maps."""

from datetime import UTC, date, datetime

import pytest

from app.errors import DomainError
from app.fhir.mapping.episode_of_care import FHIR_STATUSES, STATUS, statuses_for
from app.fhir.search import NO_SUCH_ID, date_bounds, instant_bounds, reference_id
from app.vocabulary import AdmissionStatus


@pytest.mark.parametrize(
    ("values", "bounds"),
    [
        (["1990-05-17"], (date(1990, 5, 17), date(1990, 5, 17))),
        (["eq1990-05"], (date(1990, 5, 1), date(1990, 5, 31))),
        (["1990"], (date(1990, 1, 1), date(1990, 12, 31))),
        (["ge1990-05-17"], (date(1990, 5, 17), None)),
        (["gt1990-05-17"], (date(1990, 5, 18), None)),
        (["gt1990-12"], (date(1991, 1, 1), None)),
        (["le1990-05-17"], (None, date(1990, 5, 17))),
        (["lt1990-05-17"], (None, date(1990, 5, 16))),
        (["ge1990-01-01", "le1990-06-30"], (date(1990, 1, 1), date(1990, 6, 30))),
        ([], (None, None)),
    ],
)
def test_a_date_search_allows_the_days_its_prefix_and_precision_say(
    values: list[str], bounds: tuple[date | None, date | None]
) -> None:
    assert date_bounds("birthdate", values) == bounds


def test_an_instant_search_reads_times_with_their_offset_and_dates_as_utc_days() -> None:
    assert instant_bounds("_lastUpdated", ["ge2026-03-02T18:00:00-05:00"]) == (
        datetime(2026, 3, 2, 23, 0, tzinfo=UTC),
        None,
    )
    assert instant_bounds("_lastUpdated", ["2026-03-02"]) == (
        datetime(2026, 3, 2, tzinfo=UTC),
        datetime(2026, 3, 3, tzinfo=UTC),
    )
    assert instant_bounds("_lastUpdated", ["le2026-03-02T18:00Z"]) == (
        None,
        datetime(2026, 3, 2, 18, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize("value", ["2026-03-02T18:00:00", "ap2026-03-02", "tomorrow", "2026-13"])
def test_a_date_without_offset_an_unsupported_prefix_or_no_date_is_refused(value: str) -> None:
    with pytest.raises(DomainError) as refused:
        instant_bounds("date", [value])
    assert refused.value.status == 400


def test_a_patient_reference_is_a_bare_id_a_relative_or_an_absolute_one() -> None:
    patient = "0190a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b"
    for value in (patient, f"Patient/{patient}", f"https://ehr.example/fhir/Patient/{patient}"):
        assert str(reference_id(value, "Patient", "patient")) == patient
    assert reference_id("Patient/MRN-1", "Patient", "patient") == NO_SUCH_ID
    with pytest.raises(DomainError):
        reference_id(f"Group/{patient}", "Patient", "patient")


def test_every_admission_status_is_an_episode_of_care_status_and_found_by_it() -> None:
    assert set(STATUS) == set(AdmissionStatus)
    assert set(STATUS.values()) <= FHIR_STATUSES
    for ours, theirs in STATUS.items():
        assert ours in statuses_for([theirs])
    assert statuses_for(["planned"]) == [AdmissionStatus.pending, AdmissionStatus.approved]
