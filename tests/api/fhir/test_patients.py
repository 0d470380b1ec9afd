"""FHIR Patient: EHRs push their patients without duplicates, and read and search them; what
arrives by FHIR is what `/v1` reads, and what `/v1` stored leaves by FHIR."""

from datetime import UTC, datetime

from fastapi import FastAPI

from tests.conftest import FixedClock
from tests.factories import Clinic, if_match, make_patient

from .fhir import BASE, FHIR_JSON, MRN, fhir, fhir_patient, outcome, push, resources


def test_an_ehr_pushes_a_patient_twice_and_the_clinic_has_one_patient(clinic: Clinic) -> None:
    first = fhir(push(clinic.ehr, fhir_patient()), 201)
    again = fhir(push(clinic.ehr, fhir_patient(gender="female")))

    assert again["id"] == first["id"]
    assert (first["meta"]["versionId"], again["meta"]["versionId"]) == ("1", "2")
    assert again["gender"] == "female"
    listed = clinic.staff.get("/v1/patients", params={"identifier": f"{MRN}|MRN-004512"}).json()
    assert listed["total"] == 1


def test_a_pushed_patient_is_the_patient_the_api_reads(clinic: Clinic) -> None:
    pushed = fhir_patient(
        name=[
            {"use": "usual", "given": ["Al"], "family": "R"},
            {"use": "official", "given": ["Alex", "Jordan"], "family": "Rivera"},
        ],
        telecom=[
            {"system": "email", "value": "alex@example.org"},
            {"system": "phone", "value": "+1 413 555 0199"},
        ],
        address=[{"line": ["12 Elm Street"], "city": "Springfield", "state": "MA",
                  "postalCode": "01103", "country": "US"}],
        contact=[{
            "relationship": [
                {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                             "code": "GUARD"}]},
                {"text": "mother"},
            ],
            "name": {"text": "Maria Rivera"},
            "telecom": [{"system": "phone", "value": "+1 413 555 0142"}],
        }],
    )  # fmt: skip
    created = fhir(clinic.ehr.post(f"{BASE}/Patient", json=pushed), 201)

    ours = clinic.staff.get(f"/v1/patients/{created['id']}").json()
    assert (ours["given_name"], ours["family_name"]) == ("Alex Jordan", "Rivera")
    assert (ours["date_of_birth"], ours["sex"]) == ("1990-05-17", "male")
    assert ours["identifiers"] == [{"system": MRN, "value": "MRN-004512"}]
    assert (ours["phone"], ours["email"]) == ("+1 413 555 0199", "alex@example.org")
    assert ours["address"] == {
        "line": "12 Elm Street", "city": "Springfield", "state": "MA", "postal_code": "01103",
        "country": "US",
    }  # fmt: skip
    assert ours["guardian"] == {
        "name": "Maria Rivera", "relationship": "mother", "phone": "+1 413 555 0142",
        "email": None,
    }  # fmt: skip


def test_a_patient_registered_through_the_api_reads_the_same_as_fhir(clinic: Clinic) -> None:
    body = {
        "given_name": "Sam", "family_name": "Okafor", "date_of_birth": "2010-01-20",
        "sex": "female", "gender_identity": "woman", "is_veteran": False,
        "tags": ["trauma_survivor"], "phone": "+1 413 555 0100",
        "address": {"line": "4 Oak Road", "city": "Holyoke", "state": "MA"},
        "guardian": {"name": "Ada Okafor", "relationship": "mother"},
        "identifiers": [{"system": MRN, "value": "MRN-7"}],
    }  # fmt: skip
    ours = clinic.staff.post("/v1/patients", json=body).json()

    patient = fhir(clinic.ehr.get(f"{BASE}/Patient/{ours['id']}"))

    assert patient["name"] == [{"use": "official", "family": "Okafor", "given": ["Sam"]}]
    assert (patient["birthDate"], patient["gender"]) == ("2010-01-20", "female")
    assert patient["identifier"] == [{"system": MRN, "value": "MRN-7"}]
    assert patient["telecom"] == [{"system": "phone", "value": "+1 413 555 0100"}]
    assert patient["address"] == [{"line": ["4 Oak Road"], "city": "Holyoke", "state": "MA"}]
    [guardian] = patient["contact"]
    assert guardian["name"] == {"text": "Ada Okafor"}
    assert guardian["relationship"][0]["coding"][0]["code"] == "GUARD"
    extensions = {e["url"].rsplit("/", 1)[1]: e for e in patient["extension"]}
    assert extensions["gender-identity"]["valueString"] == "woman"
    assert extensions["is-veteran"]["valueBoolean"] is False
    assert extensions["patient-tag"]["valueCode"] == "trauma_survivor"
    assert patient["meta"] == {"versionId": "1", "lastUpdated": "2026-03-02T15:00:00Z"}


def test_a_patient_read_back_and_pushed_again_is_unchanged(clinic: Clinic) -> None:
    body = {
        "given_name": "Sam", "family_name": "Okafor", "date_of_birth": "1985-01-20",
        "sex": "female", "gender_identity": "woman", "is_veteran": True, "tags": ["lgbtq"],
        "email": "sam@example.org", "address": {"city": "Holyoke", "postal_code": "01040"},
        "guardian": {"name": "Ada Okafor", "relationship": "aunt", "email": "ada@example.org"},
        "identifiers": [{"system": MRN, "value": "MRN-8"}],
    }  # fmt: skip
    before = clinic.staff.post("/v1/patients", json=body).json()
    resource = fhir(clinic.ehr.get(f"{BASE}/Patient/{before['id']}"))

    fhir(push(clinic.ehr, resource))

    after = clinic.staff.get(f"/v1/patients/{before['id']}").json()
    changing = {"version", "updated_at"}
    assert {k: v for k, v in after.items() if k not in changing} == {
        k: v for k, v in before.items() if k not in changing
    }


def test_an_update_clears_what_the_ehr_left_out_but_keeps_the_clinics_own_attributes(
    clinic: Clinic,
) -> None:
    created = fhir(push(clinic.ehr, fhir_patient(telecom=[{"system": "phone", "value": "1"}])), 201)
    clinic.staff.patch(
        f"/v1/patients/{created['id']}",
        json={"tags": ["lgbtq"], "is_veteran": True},
        headers=if_match(clinic.staff, f"/v1/patients/{created['id']}"),
    )

    fhir(push(clinic.ehr, fhir_patient()))

    ours = clinic.staff.get(f"/v1/patients/{created['id']}").json()
    assert ours["phone"] is None
    assert (ours["tags"], ours["is_veteran"]) == (["lgbtq"], True)


def test_an_update_with_the_etag_read_applies_and_a_stale_one_answers_412(clinic: Clinic) -> None:
    created = clinic.ehr.put(
        f"{BASE}/Patient", params={"identifier": f"{MRN}|MRN-004512"}, json=fhir_patient()
    )
    etag = created.headers["ETag"]
    assert etag == 'W/"1"'

    updated = push(clinic.ehr, fhir_patient(gender="other"), **{"If-Match": etag})
    stale = push(clinic.ehr, fhir_patient(gender="unknown"), **{"If-Match": etag})

    assert fhir(updated)["gender"] == "other"
    assert updated.headers["ETag"] == 'W/"2"'
    assert outcome(stale, 412)["issue"][0]["code"] == "conflict"
    assert fhir(clinic.ehr.get(f"{BASE}/Patient/{created.json()['id']}"))["gender"] == "other"


def test_an_etag_for_a_patient_nobody_has_yet_answers_412(clinic: Clinic) -> None:
    response = push(clinic.ehr, fhir_patient(), **{"If-Match": 'W/"1"'})

    outcome(response, 412)
    assert clinic.staff.get("/v1/patients").json()["total"] == 0


def test_an_update_must_keep_the_identifier_it_is_made_by(clinic: Clinic) -> None:
    response = clinic.ehr.put(
        f"{BASE}/Patient",
        params={"identifier": f"{MRN}|MRN-1"},
        json=fhir_patient(mrn="MRN-2"),
    )

    assert outcome(response, 400)["issue"][0]["expression"] == ["Patient.identifier"]


def test_an_update_by_a_bare_value_is_refused_since_it_could_match_anyone(clinic: Clinic) -> None:
    response = clinic.ehr.put(
        f"{BASE}/Patient", params={"identifier": "MRN-004512"}, json=fhir_patient()
    )

    outcome(response, 400)


def test_a_create_with_if_none_exist_answers_the_patient_already_there(clinic: Clinic) -> None:
    first = fhir(clinic.ehr.post(f"{BASE}/Patient", json=fhir_patient()), 201)

    again = clinic.ehr.post(
        f"{BASE}/Patient",
        json=fhir_patient(),
        headers={"If-None-Exist": f"identifier={MRN}|MRN-004512"},
    )

    assert fhir(again)["id"] == first["id"]
    assert clinic.staff.get("/v1/patients").json()["total"] == 1


def test_a_second_create_with_the_same_identifier_is_a_duplicate(clinic: Clinic) -> None:
    fhir(clinic.ehr.post(f"{BASE}/Patient", json=fhir_patient()), 201)

    response = clinic.ehr.post(f"{BASE}/Patient", json=fhir_patient())

    assert outcome(response, 409)["issue"][0]["code"] == "duplicate"


def test_a_body_that_is_not_a_fhir_patient_answers_400(clinic: Clinic) -> None:
    not_a_patient = clinic.ehr.post(f"{BASE}/Patient", json={"resourceType": "Observation"})
    bad_date = clinic.ehr.post(f"{BASE}/Patient", json=fhir_patient(birthDate="17/05/1990"))
    not_json = clinic.ehr.post(f"{BASE}/Patient", content=b"{", headers={"Content-Type": FHIR_JSON})

    outcome(not_a_patient, 400)
    assert outcome(bad_date, 400)["issue"][0]["expression"] == ["birthDate"]
    outcome(not_json, 400)


def test_a_patient_without_birth_date_or_from_the_future_answers_422_naming_the_element(
    clinic: Clinic,
) -> None:
    without = fhir_patient()
    del without["birthDate"]

    missing = outcome(clinic.ehr.post(f"{BASE}/Patient", json=without), 422)
    future = outcome(
        clinic.ehr.post(f"{BASE}/Patient", json=fhir_patient(birthDate="2030-01-01")), 422
    )

    assert missing["issue"][0]["expression"] == ["Patient.birthDate"]
    assert missing["issue"][0]["code"] == "required"
    assert future["issue"][0]["expression"] == ["Patient.birthDate"]


def test_search_finds_patients_by_identifier_name_and_birth_date(
    app: FastAPI, clinic: Clinic
) -> None:
    fhir(push(clinic.ehr, fhir_patient()), 201)
    make_patient(
        app,
        clinic,
        given_name="Jamie",
        family_name="Chen",
        date_of_birth=datetime(2001, 2, 3).date(),
    )

    def found(**params: str) -> list[str]:
        bundle = fhir(clinic.ehr.get(f"{BASE}/Patient", params=params))
        return [p["name"][0]["family"] for p in resources(bundle)]

    assert found(identifier=f"{MRN}|MRN-004512") == ["Rivera"]
    assert found(identifier="MRN-004512") == ["Rivera"]
    assert found(identifier="other|MRN-004512") == []
    assert found(name="chen") == ["Chen"]
    assert found(birthdate="1990-05-17") == ["Rivera"]
    assert found(birthdate="1990") == ["Rivera"]
    assert found(birthdate="ge2000-01-01") == ["Chen"]
    assert found(birthdate="lt1990-05-17") == []
    assert found(birthdate="le1990-05-17") == ["Rivera"]


def test_search_by_last_update_finds_what_changed_since(clinic: Clinic, clock: FixedClock) -> None:
    fhir(push(clinic.ehr, fhir_patient(mrn="A")), 201)
    clock.now = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
    fhir(push(clinic.ehr, fhir_patient(mrn="B", name=[{"family": "Later", "given": ["B"]}])), 201)

    def found(*values: str) -> list[str]:
        bundle = fhir(clinic.ehr.get(f"{BASE}/Patient", params={"_lastUpdated": list(values)}))
        return [p["name"][0]["family"] for p in resources(bundle)]

    assert found("ge2026-03-03") == ["Later"]
    assert found("lt2026-03-05T09:30:00Z") == ["Rivera"]
    assert found("ge2026-03-01", "le2026-03-31") == ["Later", "Rivera"]
    assert found("2026-03-02") == ["Rivera"]


def test_search_pages_link_to_the_next_and_previous_page_with_the_total(
    app: FastAPI, clinic: Clinic
) -> None:
    for number in range(5):
        make_patient(app, clinic, family_name=f"Rivera{number}")

    first = fhir(clinic.ehr.get(f"{BASE}/Patient", params={"name": "rivera", "_count": 2}))
    links = {link["relation"]: link["url"] for link in first["link"]}
    second = fhir(clinic.ehr.get(links["next"]))
    second_links = {link["relation"]: link["url"] for link in second["link"]}
    last = fhir(clinic.ehr.get(links["last"]))

    assert first["total"] == second["total"] == 5
    assert [p["name"][0]["family"] for p in resources(first)] == ["Rivera0", "Rivera1"]
    assert [p["name"][0]["family"] for p in resources(second)] == ["Rivera2", "Rivera3"]
    assert [p["name"][0]["family"] for p in resources(last)] == ["Rivera4"]
    assert "previous" not in links
    assert "name=rivera" in second_links["previous"]
    assert "next" not in {link["relation"] for link in last["link"]}
    only_total = fhir(clinic.ehr.get(f"{BASE}/Patient", params={"_count": 0}))
    assert (only_total["total"], only_total["entry"]) == (5, [])


def test_a_search_parameter_the_server_does_not_support_answers_400(clinic: Clinic) -> None:
    response = clinic.ehr.get(f"{BASE}/Patient", params={"family:exact": "Rivera"})

    assert outcome(response, 400)["issue"][0]["code"] == "not-supported"


def test_a_read_answers_the_version_as_etag_and_meta(clinic: Clinic) -> None:
    created = fhir(push(clinic.ehr, fhir_patient()), 201)
    fhir(push(clinic.ehr, fhir_patient(gender="female")))

    response = clinic.ehr.get(f"{BASE}/Patient/{created['id']}")

    assert response.headers["ETag"] == 'W/"2"'
    assert response.headers["Last-Modified"] == "Mon, 02 Mar 2026 15:00:00 GMT"
    assert fhir(response)["meta"]["versionId"] == "2"


def test_a_nul_character_in_a_pushed_patient_is_a_422_outcome_and_stores_nothing(
    clinic: Clinic,
) -> None:
    pushed = fhir_patient(name=[{"family": "Ri\u0000vera", "given": ["Alex"]}])
    response = clinic.ehr.post(f"{BASE}/Patient", json=pushed)

    assert outcome(response, 422)["issue"][0]["expression"] == ["name[0].family"]
    assert clinic.staff.get("/v1/patients").json()["total"] == 0
