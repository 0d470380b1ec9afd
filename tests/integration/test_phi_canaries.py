"""PHI canaries: a patient with names, a birth date and identifiers found nowhere else is
driven through every route family, failures included, on a real server logging at DEBUG. No
log line (structlog, uvicorn, Python warnings) and no error body may carry any of them."""

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import sessionmaker

from app.admissions.examples import REQUESTS
from app.config import Settings
from app.db import create_db_engine, create_sessionmaker
from app.security import Role
from tests.integration.test_group_concurrency import (
    IOP,
    SECRET,
    free_port,
    seed_organization,
    stop,
    wait_until_ready,
)

GIVEN, FAMILY, BORN = "Quenfrida", "Zarvoletti", "1961-07-23"
MRN, MEMBER, PHONE = "CANARY-MRN-4417", "CANMEM99887", "+1 413 555 0177"
EMAIL = "quenfrida.z@canary.example"
CANARIES = [GIVEN, FAMILY, BORN, MRN, MEMBER, "555 0177", "canary.example", "19610723"]
MRN_SYSTEM = "urn:oid:2.16.840.1.113883.19.5"

PATIENT = {
    "given_name": GIVEN, "family_name": FAMILY, "date_of_birth": BORN, "sex": "female",
    "identifiers": [{"system": MRN_SYSTEM, "value": MRN}], "phone": PHONE, "email": EMAIL,
    "address": {"line": "12 Canary Lane", "city": "Springfield", "state": "MA",
                "postal_code": "01103"},
}  # fmt: skip


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[Role, str], Path]]:
    """`iop serve` logging at DEBUG, with Python warnings always shown, and a key per role."""
    engine = create_db_engine(Settings(database_url=database_url, key_secret=SECRET))
    sessions: sessionmaker[Any] = create_sessionmaker(engine)
    _organization, keys = seed_organization(sessions)
    engine.dispose()
    log, port = tmp_path / "server.log", free_port()
    env = os.environ | {
        "IOP_DATABASE_URL": database_url, "IOP_KEY_SECRET": SECRET, "IOP_LOG_LEVEL": "DEBUG",
        "IOP_DB_POOL_SIZE": "2", "PYTHONWARNINGS": "always",
    }  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(IOP), "serve", "--port", str(port)],
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_ready(base_url, process, log)
            yield base_url, keys, log
        finally:
            stop(process)


def test_no_log_line_and_no_error_body_carries_patient_data(
    server: tuple[str, dict[Role, str], Path],
) -> None:
    base_url, keys, log = server
    errors: list[httpx.Response] = []

    def client(role: Role | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {keys[role]}"} if role else {}
        return httpx.Client(base_url=base_url, headers=headers, timeout=30)

    admin, staff, ehr, payer = (client(r) for r in (Role.admin, Role.staff, Role.ehr, Role.payer))

    def made(response: httpx.Response) -> Any:
        assert response.status_code in (200, 201), response.text
        return response.json()

    def call(http: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = http.request(method, path, **kwargs)
        if response.status_code >= 400:
            errors.append(response)
        return response

    program = made(call(admin, "POST", "/v1/programs", json={
        "name": "Evening", "track": "evening", "time_zone": "America/New_York", "country": "US",
        "operating_hours": {d: {"opens": "17:00", "closes": "21:00"}
                            for d in ("monday", "tuesday", "wednesday", "thursday")}}))  # fmt: skip
    patient = made(call(staff, "POST", "/v1/patients", json=PATIENT))
    url = f"/v1/patients/{patient['id']}"
    # Patients: duplicates, invalid values made of patient data, searches, misses, conflicts.
    call(staff, "POST", "/v1/patients", json=PATIENT)  # 409: the identifier is taken
    call(staff, "POST", "/v1/patients", json=PATIENT | {"date_of_birth": GIVEN})
    call(staff, "POST", "/v1/patients", json=PATIENT | {"date_of_birth": "1961-07-32"})
    call(staff, "POST", "/v1/patients", json=PATIENT | {"sex": FAMILY, "given_name": GIVEN * 20})
    call(staff, "POST", "/v1/patients", json=PATIENT | {"identifiers": [{"system": MRN}]})
    call(staff, "POST", "/v1/patients", json=PATIENT | {"email": 19610723, "phone": [PHONE]})
    call(staff, "POST", "/v1/patients", content=f'{{"given_name": "{GIVEN}", ', headers={
        "Content-Type": "application/json"})  # fmt: skip
    call(staff, "GET", "/v1/patients", params={"name": GIVEN})
    call(staff, "GET", "/v1/patients", params={"date_of_birth": BORN})
    call(staff, "GET", "/v1/patients", params={"date_of_birth": f"{BORN}x{GIVEN}"})
    call(staff, "GET", "/v1/patients", params={"identifier": f"{MRN_SYSTEM}|{MRN}"})
    call(staff, "GET", "/v1/patients", params={"identifier": f"{MRN}|{GIVEN}|{FAMILY}"})
    call(staff, "GET", url)
    call(staff, "GET", f"/v1/patients/{uuid.uuid4()}")
    call(staff, "GET", f"/v1/patients/{GIVEN}")  # not an id: the path itself is not echoed
    call(ehr, "GET", f"/fhir/R4/Patient/{FAMILY}")
    call(staff, "PATCH", url, json={"family_name": FAMILY + "x"}, headers={"If-Match": 'W/"9"'})
    call(staff, "PATCH", url, json={"family_name": FAMILY * 10})
    call(staff, "PATCH", url, json={"date_of_birth": None, "given_name": None})
    call(staff, "POST", f"{url}/consents", json={"recipient": FAMILY, "purposes": ["x"]})
    # Admissions, and a patient in care who may not be deleted.
    eligible = {k: v for k, v in REQUESTS["eligible"][1].items() if k != "age"}
    admit = {"patient_id": patient["id"], "program_id": program["id"], "assessment": eligible}
    admission = made(call(staff, "POST", "/v1/admissions", json=admit))
    call(staff, "POST", "/v1/admissions", json=admit)  # 409: already admitted
    call(staff, "POST", "/v1/eligibility/evaluations", json={"date_of_birth": BORN, "x": GIVEN})
    call(admin, "DELETE", url)  # 409: care is open
    call(staff, "POST", f"/v1/admissions/{admission['id']}/hold", json={"reason": GIVEN})
    # Coverage, a verification and a partner's answers, JSON and X12, right and wrong.
    insured = {
        "payer_type": "commercial", "payer_id": "payer-demo", "payer_name": "Blue Harbor",
        "member_id": MEMBER, "plan_starts_on": "2026-01-01", "plan_ends_on": "2026-12-31",
    }  # fmt: skip
    coverage = made(call(staff, "POST", f"{url}/coverages", json=insured))
    call(staff, "POST", f"{url}/coverages", json={"payer_type": "commercial", "member_id": MEMBER,
         "plan_starts_on": "2026-12-31", "plan_ends_on": "2026-01-01"})  # fmt: skip
    verification = made(call(staff, "POST", "/v1/insurance-verifications", json={
        "patient_id": patient["id"], "coverage_id": coverage["id"]}))  # fmt: skip
    answer = f"/v1/insurance-verifications/{verification['id']}"
    call(payer, "GET", f"{answer}/x12-270")
    call(payer, "POST", f"{answer}/result", json={"status": "completed", "benefits": {
        "deductible": {"total": GIVEN}}})  # fmt: skip
    x12 = f"ISA*00*{GIVEN}~NM1*IL*1*{FAMILY}*{GIVEN}****MI*{MEMBER}~DMG*D8*19610723~IEA*1*1~"
    call(payer, "POST", f"{answer}/result", content=x12.encode(),
         headers={"Content-Type": "application/edi-x12"})  # fmt: skip
    call(staff, "POST", "/v1/cost-estimates", json={"coverage_id": coverage["id"],
         "price_per_day": GIVEN, "treatment_days": 5})  # fmt: skip
    # FHIR: pushes, searches and refusals.
    fhir_patient = {
        "resourceType": "Patient", "name": [{"family": FAMILY, "given": [GIVEN]}],
        "birthDate": BORN, "identifier": [{"system": MRN_SYSTEM, "value": MRN}],
    }  # fmt: skip
    fhir = {"Content-Type": "application/fhir+json"}
    call(ehr, "PUT", "/fhir/R4/Patient", params={"identifier": f"{MRN_SYSTEM}|{MRN}"},
         json=fhir_patient, headers=fhir)  # fmt: skip
    call(ehr, "POST", "/fhir/R4/Patient", json=fhir_patient | {"birthDate": GIVEN}, headers=fhir)
    call(ehr, "POST", "/fhir/R4/Patient", json=fhir_patient | {"gender": FAMILY}, headers=fhir)
    call(ehr, "POST", "/fhir/R4/Patient", json=fhir_patient, headers=fhir | {
        "If-None-Exist": f"identifier={MRN_SYSTEM}|{MRN}|{GIVEN}"})  # fmt: skip
    call(ehr, "GET", "/fhir/R4/Patient", params={"name": GIVEN, "birthdate": BORN})
    call(ehr, "GET", "/fhir/R4/Patient", params={"birthdate": f"zz{BORN}"})
    call(ehr, "GET", "/fhir/R4/Patient", params={"family": FAMILY})  # unsupported parameter
    call(ehr, "GET", f"/fhir/R4/Patient/{uuid.uuid4()}")
    # Without a key, and with keys that fail.
    call(client(None), "GET", "/v1/patients", params={"name": GIVEN})
    call(httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {MRN}"}), "GET", url)

    assert len(errors) >= 25
    for response in errors:
        assert response.status_code < 500, response.text
        text = response.text.casefold()
        leaked = [canary for canary in CANARIES if canary.casefold() in text]
        assert not leaked, f"{response.request.method} {response.request.url.path}: {response.text}"
    lines = log.read_text().splitlines()
    assert any('"route"' in line for line in lines)  # the access log was captured
    leaking = [line for line in lines if any(c.casefold() in line.casefold() for c in CANARIES)]
    assert not leaking, "\n".join(leaking)
