"""One clock per request: records, audit events and domain events read the same "now"."""

from datetime import timedelta

from tests.conftest import FixedClock
from tests.factories import Clinic, audited, if_match

PATIENT = {"given_name": "Jordan", "family_name": "Lee", "date_of_birth": "1991-04-12"}


def test_a_records_timestamps_are_the_request_clocks(clinic: Clinic, clock: FixedClock) -> None:
    created = clinic.staff.post("/v1/patients", json=PATIENT).json()
    assert created["created_at"] == created["updated_at"] == "2026-03-02T15:00:00Z"

    clock.now += timedelta(hours=2)
    url = f"/v1/patients/{created['id']}"
    updated = clinic.staff.patch(
        url, json={"phone": "+1 555 0100"}, headers=if_match(clinic.staff, url)
    ).json()
    assert (updated["created_at"], updated["updated_at"]) == (
        "2026-03-02T15:00:00Z",
        "2026-03-02T17:00:00Z",
    )


def test_lists_in_creation_order_follow_the_request_clock(
    clinic: Clinic, clock: FixedClock
) -> None:
    later = clinic.staff.post("/v1/patients", json=PATIENT | {"given_name": "Later"}).json()
    clock.now -= timedelta(days=1)  # entered afterwards, dated earlier
    earlier = clinic.staff.post("/v1/patients", json=PATIENT | {"given_name": "Earlier"}).json()
    audit = audited(clinic, resource_type="patient", action="create")  # oldest event first
    # By the clock of the requests that made them, not the order they were made in.
    assert [access["resource_id"] for access in audit] == [earlier["id"], later["id"]]
    assert earlier["created_at"] < later["created_at"]
