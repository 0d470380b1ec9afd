"""Patients: records, search, concurrency-safe updates, soft delete, Part 2 consents, audit."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import FixedClock
from tests.factories import Clinic, audited, if_match, json_object

MRN = "urn:oid:2.16.840.1.113883.19.5.99999.1"


def register(client: TestClient, **overrides: object) -> dict[str, Any]:
    body = {
        "given_name": "Alex",
        "family_name": "Rivera",
        "date_of_birth": "1990-05-17",
        "sex": "male",
        "is_veteran": True,
        "tags": ["trauma_survivor"],
        "identifiers": [{"system": MRN, "value": "MRN-004512"}],
    } | overrides
    response = client.post("/v1/patients", json=body)
    assert response.status_code == 201, response.text
    return json_object(response)


def audit_actions(clinic: Clinic, patient_id: str) -> list[str]:
    return sorted(access["action"] for access in audited(clinic, patient_id=patient_id))


def test_a_registered_patient_reads_back_with_identifiers_and_an_etag(clinic: Clinic) -> None:
    patient = register(clinic.staff)
    response = clinic.clinician.get(f"/v1/patients/{patient['id']}")
    assert response.headers["etag"] == '"1"'
    assert response.json()["identifiers"] == [{"system": MRN, "value": "MRN-004512"}]
    assert response.json()["tags"] == ["trauma_survivor"]


def test_every_read_and_change_of_a_patient_is_audited(clinic: Clinic) -> None:
    patient = register(clinic.staff)
    clinic.clinician.get(f"/v1/patients/{patient['id']}")
    clinic.ehr.patch(
        f"/v1/patients/{patient['id']}",
        json={"phone": "+1 413 555 0100"},
        headers={"If-Match": '"1"'},
    )
    clinic.staff.get("/v1/patients", params={"name": "riv"})
    assert audit_actions(clinic, patient["id"]) == ["create", "list", "read", "update"]


def test_search_by_name_prefix_date_of_birth_or_identifier(clinic: Clinic) -> None:
    alex = register(clinic.staff)
    register(
        clinic.staff, given_name="Jordan", family_name="Lee", date_of_birth="2001-01-02",
        identifiers=[{"system": MRN, "value": "MRN-777"}],
    )  # fmt: skip

    def found(**params: str) -> list[str]:
        return [p["id"] for p in clinic.staff.get("/v1/patients", params=params).json()["items"]]

    assert found(name="RIV") == [alex["id"]]
    assert found(name="alex riv") == [alex["id"]]
    assert found(date_of_birth="1990-05-17") == [alex["id"]]
    assert found(identifier=f"{MRN}|MRN-004512") == [alex["id"]]
    assert found(identifier="MRN-004512") == [alex["id"]]
    assert found(name="%") == []
    assert len(found()) == 2


def test_a_name_search_pages_through_family_and_given_name_matches_in_the_list_order(
    clinic: Clinic,
) -> None:
    names = [
        ("Riva", "Zed"), ("Ada", "Rivera"), ("Ben", "Rivera"), ("Rivka", "Adams"),
        ("Cy", "Rivet"), ("Dee", "Riw"), ("Eve", "Ri_v"), ("Ødis", "Øde"), ("Fay", "ri%v"),
        ("Gus", "Ri\\v"), ("Hal", "Rivers"),
    ]  # fmt: skip

    for number, (given, family) in enumerate(names):
        mrn = [{"system": MRN, "value": f"MRN-{number}"}]
        register(clinic.staff, given_name=given, family_name=family, identifiers=mrn)

    def found(name: str, **page: str) -> list[str]:
        params = {"name": name} | page
        items = clinic.staff.get("/v1/patients", params=params).json()["items"]
        return [p["given_name"] for p in items]

    in_order = ["Rivka", "Ada", "Ben", "Hal", "Cy", "Riva"]  # by family name, then given name
    assert found("RIV") == in_order
    pages = [found("riv", limit="2", offset=str(offset)) for offset in range(0, 8, 2)]
    assert [given for page in pages for given in page] == in_order
    counted = clinic.staff.get("/v1/patients", params={"name": "riv", "limit": "2"}).json()
    assert counted["total"] == len(in_order)  # every match counted, not only a page's worth
    assert found("riv ada") == ["Rivka", "Ada"]  # each word starts one of the names
    assert found("rivk") == ["Rivka"]
    assert found("ri_") == ["Eve"]  # `_` and `%` are letters here, not wildcards
    assert found("ri%") == ["Fay"]
    assert found("ri\\") == ["Gus"]
    assert found("øde") == ["Ødis"]
    assert found("ØD") == ["Ødis"]
    assert found("rix") == []
    assert found("ri\ud7ff") == found("ri\U0010ffff") == []  # at the edges of Unicode


def test_given_name_matches_page_in_the_list_order_without_deleted_patients(
    clinic: Clinic,
) -> None:
    """Given names say nothing of the list's order: their matches, spread across it, page as
    one page of every match holds them, and a deleted patient is none of them."""
    givens = ["Maria", "Mateo", "Malik", "María", "Max"]
    families = ["Okafor", "Abbott", "Zhou", "Lee", "Nguyen", "Brennan", "Ortiz"]
    names = [(givens[n % 5], families[n * 3 % 7]) for n in range(15)]
    names += [("Sam", "Marsh"), ("Ada", "Mäkelä"), ("Omar", "Lee"), ("Alex", "Abbott")]
    registered = [
        register(clinic.staff, given_name=given, family_name=family, identifiers=[])
        for given, family in names
    ]
    deleted = f"/v1/patients/{registered.pop(7)['id']}"
    assert clinic.admin.delete(deleted, headers={"If-Match": '"1"'}).status_code == 204

    def order(patient: dict[str, Any]) -> tuple[str, str, uuid.UUID]:
        given, family = patient["given_name"].casefold(), patient["family_name"].casefold()
        return family, given, uuid.UUID(patient["id"])

    expected = [
        patient["id"]
        for patient in sorted(registered, key=order)
        if any(name.casefold().startswith("ma") for name in order(patient)[:2])
    ]

    def found(**page: str) -> list[str]:
        answer = clinic.staff.get("/v1/patients", params={"name": "MA"} | page).json()
        return [patient["id"] for patient in answer["items"]]

    assert found(limit="100") == expected
    pages = [found(limit="2", offset=str(offset)) for offset in range(0, len(expected) + 2, 2)]
    assert [patient for page in pages for patient in page] == expected


def test_an_identifier_belongs_to_one_patient_per_organization(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    register(clinic.staff)
    duplicate = clinic.staff.post(
        "/v1/patients",
        json={"given_name": "Sam", "family_name": "Ortiz", "date_of_birth": "1985-01-01",
              "identifiers": [{"system": MRN, "value": "MRN-004512"}]},
    )  # fmt: skip
    assert duplicate.status_code == 409
    assert duplicate.json()["type"].endswith("/identifier-taken")
    register(other_clinic.staff)  # the same MRN in another organization is another patient


def test_a_stale_if_match_is_refused_and_nothing_changes(clinic: Clinic) -> None:
    patient = register(clinic.staff)
    url = f"/v1/patients/{patient['id']}"
    ok = clinic.staff.patch(url, json={"family_name": "Rivera-Diaz"}, headers={"If-Match": '"1"'})
    assert ok.headers["etag"] == '"2"'
    stale = clinic.staff.patch(url, json={"family_name": "Other"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert clinic.staff.get(url).json()["family_name"] == "Rivera-Diaz"


def test_replacing_identifiers_bumps_the_version(clinic: Clinic) -> None:
    patient = register(clinic.staff)
    url = f"/v1/patients/{patient['id']}"
    updated = clinic.staff.patch(
        url,
        json={"identifiers": [{"system": MRN, "value": "MRN-9"}]},
        headers=if_match(clinic.staff, url),
    )
    assert updated.json()["identifiers"] == [{"system": MRN, "value": "MRN-9"}]
    assert updated.json()["version"] == 2


def test_one_update_of_names_and_identifiers_is_one_new_version(clinic: Clinic) -> None:
    patient = register(clinic.staff)
    body = {"family_name": "Moreno", "identifiers": [{"system": MRN, "value": "MRN-9"}]}
    updated = clinic.staff.patch(
        f"/v1/patients/{patient['id']}",
        json=body,
        headers=if_match(clinic.staff, f"/v1/patients/{patient['id']}"),
    )
    assert updated.json()["version"] == 2
    assert updated.headers["ETag"] == '"2"'


def test_a_deleted_patient_disappears_but_only_admins_delete(clinic: Clinic) -> None:
    patient = register(clinic.staff)
    url = f"/v1/patients/{patient['id']}"
    assert clinic.staff.delete(url, headers=if_match(clinic.staff, url)).status_code == 403
    assert clinic.admin.delete(url, headers=if_match(clinic.admin, url)).status_code == 204
    assert clinic.staff.get(url).status_code == 404
    assert clinic.staff.get("/v1/patients").json()["total"] == 0
    assert "delete" in audit_actions(clinic, patient["id"])


@pytest.mark.parametrize(
    "change",
    [
        {"date_of_birth": "2999-01-01"},
        {"sex": "robot"},
        {"tags": ["Not A Tag"]},
        {"guardian": {"name": "Maria"}},
        {"shoe_size": 44},
    ],
)
def test_invalid_patient_details_are_422_with_the_field(
    clinic: Clinic, change: dict[str, Any]
) -> None:
    body = {"given_name": "A", "family_name": "B", "date_of_birth": "1990-01-01"} | change
    response = clinic.staff.post("/v1/patients", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].split(".")[0].split("[")[0] in change


def test_another_organization_and_payers_never_see_the_patient(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    patient = register(clinic.staff)
    url = f"/v1/patients/{patient['id']}"
    assert other_clinic.admin.get(url).status_code == 404
    assert (
        other_clinic.staff.patch(
            url, json={"phone": "1"}, headers=if_match(other_clinic.staff, url)
        ).status_code
        == 404
    )
    assert other_clinic.staff.get("/v1/patients").json()["total"] == 0
    assert clinic.payer.get(url).status_code == 403
    assert clinic.payer.get("/v1/patients").status_code == 403


def test_part_2_consents_are_recorded_listed_and_revoked(clinic: Clinic, clock: FixedClock) -> None:
    patient = register(clinic.staff)
    url = f"/v1/patients/{patient['id']}/consents"
    consent = clinic.clinician.post(
        url,
        json={"recipient": "Blue Harbor Health Plan", "purposes": ["payment"],
              "information": "Dates of service and level of care", "signed_on": "2026-03-01",
              "expires_on": "2027-03-01"},
    ).json()  # fmt: skip
    assert consent["is_in_force"] is True
    revoked = clinic.clinician.post(f"{url}/{consent['id']}/revoke").json()
    assert revoked["is_in_force"] is False
    assert revoked["revoked_at"] is not None
    assert [c["id"] for c in clinic.staff.get(url).json()] == [consent["id"]]


def test_the_total_of_the_whole_list_follows_registrations_and_deletions(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    """Counted without reading every patient, it still counts exactly the live ones."""
    patients = [
        register(clinic.staff, identifiers=[{"system": MRN, "value": f"MRN-{n}"}]) for n in range(5)
    ]
    register(other_clinic.staff)

    def total() -> int:
        page = clinic.staff.get("/v1/patients", params={"limit": "2"}).json()
        assert len(page["items"]) == 2  # a full page: the total cannot come from the page
        return int(page["total"])

    assert total() == 5
    url = f"/v1/patients/{patients[0]['id']}"
    assert clinic.admin.delete(url, headers=if_match(clinic.admin, url)).status_code == 204
    assert total() == 4
    refused = clinic.staff.post("/v1/patients", json={"given_name": "No date of birth"})
    assert refused.status_code == 422
    assert total() == 4
    register(clinic.staff, identifiers=[{"system": MRN, "value": "MRN-5"}])
    assert total() == 5
    assert other_clinic.staff.get("/v1/patients", params={"limit": "1"}).json()["total"] == 1


def test_a_patient_in_a_page_reads_exactly_as_the_patients_own_record(clinic: Clinic) -> None:
    full = register(
        clinic.staff,
        given_name="Sam",
        family_name="Okafor",
        gender_identity="nonbinary",
        phone="+1 413 555 0142",
        address={"city": "Springfield", "state": "MA"},
        guardian={"name": "Ada Okafor", "relationship": "mother"},
        identifiers=[{"system": MRN, "value": "MRN-9"}, {"system": "urn:a", "value": "A-1"}],
    )
    sparse = register(clinic.staff, given_name="Sam", family_name="Ode", identifiers=[], tags=[])
    page = clinic.staff.get("/v1/patients", params={"name": "sam"})
    listed = {item["id"]: item for item in page.json()["items"]}
    for patient in (full, sparse):
        own = clinic.staff.get(f"/v1/patients/{patient['id']}").json()
        # Same fields in the same order, nulls included: a client may compare them as text.
        assert list(listed[patient["id"]].items()) == list(own.items())
