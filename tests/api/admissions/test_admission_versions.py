"""An admission's moves check the version the client read, like every other update."""

import uuid
from typing import Any

from tests.api.admissions.test_admissions import APPROVAL, admit
from tests.factories import Clinic


def test_a_move_from_a_stale_read_is_412_and_changes_nothing(
    clinic: Clinic, patient: uuid.UUID, program: dict[str, Any]
) -> None:
    admission = admit(clinic, patient, program["id"])
    url = f"/v1/admissions/{admission['id']}"
    read = clinic.staff.get(url)
    etag = read.headers["etag"]
    assert etag == f'"{read.json()["version"]}"'

    approved = clinic.clinician.post(f"{url}/approve", json=APPROVAL, headers={"If-Match": etag})
    assert approved.status_code == 200, approved.text
    assert approved.headers["etag"] != etag

    stale = clinic.staff.post(f"{url}/cancel", json={"reason": "x"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert clinic.staff.get(url).json()["status"] == "approved"

    fresh = clinic.staff.post(
        f"{url}/cancel", json={"reason": "x"}, headers={"If-Match": approved.headers["etag"]}
    )
    assert fresh.json()["status"] == "cancelled"
