"""Approval is the act of a licensed person: a clinician key names the staff member who holds
it, that person's credential must be one the program accepts, and the admission records who
approved (docs/domain.md §3.5)."""

from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

from app.security import Role
from tests.api.admissions.test_authorization_at_approval import APPROVAL
from tests.factories import (
    Clinic,
    client_for,
    if_match,
    make_admission,
    make_key,
    make_patient,
    make_program,
    make_staff,
)


def pending_admission(app: FastAPI, clinic: Clinic, program: dict[str, Any]) -> str:
    admission = make_admission(
        app, clinic, patient_id=make_patient(app, clinic), program_id=program["id"],
        status="pending", part2_notice_given_on=date(2026, 3, 2),
    )  # fmt: skip
    return f"/v1/admissions/{admission}"


def clinician_key_for(clinic: Clinic, staff: dict[str, Any]) -> Any:
    return clinic.admin.post(
        "/v1/api-keys", json={"name": "Ada's key", "role": "clinician", "staff_id": staff["id"]}
    )


def test_an_approval_records_the_licensed_staff_member_who_made_it(
    app: FastAPI, clinic: Clinic
) -> None:
    ada = make_staff(clinic, name="Dr. Ada Reyes", credential="M.D.", license_number="A12345")
    issued = clinician_key_for(clinic, ada)
    assert issued.status_code == 201, issued.text
    assert issued.json()["staff_id"] == ada["id"]
    url = pending_admission(app, clinic, make_program(clinic))

    ada_client = client_for(app, issued.json()["key"])
    approved = ada_client.post(
        f"{url}/approve", json=APPROVAL, headers=if_match(ada_client, f"{url}/approve")
    )

    assert approved.status_code == 200, approved.text
    expected = {"staff_id": ada["id"], "name": "Dr. Ada Reyes", "credential": "M.D."}
    assert approved.json()["approved_by"] == expected
    assert clinic.staff.get(url).json()["approved_by"] == expected


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"role": "clinician"}, None),  # whose key?
        ({"role": "staff", "staff_id": "{staff_id}"}, None),  # only clinician keys name one
        ({"role": "clinician", "staff_id": "01a229bb-0000-7000-8000-000000000000"},
         "unknown_staff"),
    ],
)  # fmt: skip
def test_a_clinician_key_must_name_a_staff_member_of_the_clinic(
    clinic: Clinic, body: dict[str, str], code: str | None
) -> None:
    staff_id = make_staff(clinic)["id"]
    filled = {k: v.replace("{staff_id}", staff_id) for k, v in body.items()}
    response = clinic.admin.post("/v1/api-keys", json={"name": "key"} | filled)
    assert response.status_code == 422, response.text
    if code is not None:
        assert response.json()["errors"] == [
            {"field": "staff_id", "code": code, "message": response.json()["errors"][0]["message"]}
        ]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"credential": None, "license_number": "X1"}, "not_licensed"),
        ({"credential": "LPC", "license_number": None}, "not_licensed"),
    ],
)
def test_an_admin_cannot_issue_a_clinician_key_for_someone_unlicensed(
    clinic: Clinic, fields: dict[str, Any], code: str
) -> None:
    unlicensed = make_staff(clinic, name="Pat Admin", **fields)
    response = clinician_key_for(clinic, unlicensed)
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("staff_id", code)]


def test_another_clinics_staff_member_cannot_hold_a_key_here(
    clinic: Clinic, other_clinic: Clinic
) -> None:
    theirs = make_staff(other_clinic, credential="MD", license_number="Z9")
    response = clinician_key_for(clinic, theirs)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "unknown_staff"


def test_an_inactive_staff_member_neither_gets_a_key_nor_approves_with_one(
    app: FastAPI, clinic: Clinic
) -> None:
    ada = make_staff(clinic, credential="MD", license_number="A12345")
    key = clinician_key_for(clinic, ada).json()["key"]
    staff_url = f"/v1/staff/{ada['id']}"
    clinic.admin.patch(
        staff_url, json={"is_active": False}, headers=if_match(clinic.admin, staff_url)
    )
    assert clinician_key_for(clinic, ada).json()["errors"][0]["code"] == "inactive_staff"
    url = pending_admission(app, clinic, make_program(clinic))
    refused = client_for(app, key).post(f"{url}/approve", json=APPROVAL)
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/not-licensed-to-approve")
    assert clinic.staff.get(url).json()["status"] == "pending"


def test_a_credential_the_program_does_not_accept_cannot_approve(
    app: FastAPI, clinic: Clinic
) -> None:
    counselor = make_staff(clinic, name="Sam Ortiz", credential="CADC-I", license_number="C77")
    key = clinician_key_for(clinic, counselor).json()["key"]
    program = make_program(clinic)
    url = pending_admission(app, clinic, program)
    refused = client_for(app, key).post(f"{url}/approve", json=APPROVAL)
    assert refused.status_code == 403
    assert "CADC-I" in refused.json()["detail"]
    # The program accepts it from its next settings on (new admissions are made under them).
    settings = clinic.admin.get(f"/v1/programs/{program['id']}/settings/versions").json()
    current = settings[-1]["settings"] if isinstance(settings, list) else settings["items"][-1]
    changed = current | {"approving_credentials": ["MD", "CADC-I"]}
    settings_url = f"/v1/programs/{program['id']}/settings"
    assert clinic.admin.put(
        settings_url, json=changed, headers=if_match(clinic.admin, settings_url)
    ).is_success
    newer = pending_admission(app, clinic, program)
    from app.admissions.models import Admission

    with app.state.sessionmaker.begin() as session:
        session.get_one(
            Admission, __import__("uuid").UUID(newer.rsplit("/", 1)[1])
        ).settings_version = 2
    approver = client_for(app, key)
    approved = approver.post(
        f"{newer}/approve", json=APPROVAL, headers=if_match(approver, f"{newer}/approve")
    )
    assert approved.status_code == 200, approved.text


def test_a_clinician_key_from_before_keys_named_staff_cannot_approve(
    app: FastAPI, clinic: Clinic
) -> None:
    from app.access.models import ApiKey

    key = make_key(app, clinic.organization_id, Role.clinician)
    with app.state.sessionmaker.begin() as session:
        for row in session.query(ApiKey).filter(ApiKey.role == "clinician"):
            row.staff_id = None
    url = pending_admission(app, clinic, make_program(clinic))
    refused = client_for(app, key).post(f"{url}/approve", json=APPROVAL)
    assert refused.status_code == 403
    assert "staff_id" in refused.json()["detail"]


def test_approval_settings_default_to_the_references_licensed_professionals(
    clinic: Clinic,
) -> None:
    program = make_program(clinic)
    versions = clinic.admin.get(f"/v1/programs/{program['id']}/settings/versions").json()
    assert versions[0]["settings"]["approving_credentials"] == [
        "MD", "DO", "NP", "PMHNP", "APRN", "PhD", "PsyD", "LCSW", "LPC", "LADC", "LCADC",
    ]  # fmt: skip


def test_a_page_of_admissions_names_each_ones_approver_as_its_own_read_does(
    app: FastAPI, clinic: Clinic
) -> None:
    program = make_program(clinic)
    urls = []
    for name, credential in (("Dr. Ada Reyes", "M.D."), ("Sam Ortiz", "LCSW")):
        staff = make_staff(clinic, name=name, credential=credential, license_number=name[-5:])
        approver = client_for(app, clinician_key_for(clinic, staff).json()["key"])
        url = pending_admission(app, clinic, program)
        approved = approver.post(
            f"{url}/approve", json=APPROVAL, headers=if_match(approver, f"{url}/approve")
        )
        assert approved.status_code == 200, approved.text
        urls.append(url)
    urls.append(pending_admission(app, clinic, program))  # not approved: no approver

    listed = clinic.staff.get("/v1/admissions", params={"program_id": program["id"]}).json()

    assert listed["items"] == [clinic.staff.get(url).json() for url in reversed(urls)]
    assert [item["approved_by"] and item["approved_by"]["name"] for item in listed["items"]] == [
        None, "Sam Ortiz", "Dr. Ada Reyes",
    ]  # fmt: skip
