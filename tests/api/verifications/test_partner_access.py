"""A payer key's whole reach: its own payer's verification requests, its own identity, and the
prior authorizations it records. Every other read is refused."""

import re
import uuid

from fastapi import FastAPI

from tests.factories import Clinic

PARTNER_READS = ("/v1/insurance-verifications", "/v1/me")


def test_a_payer_key_is_refused_every_get_but_its_own_requests(
    app: FastAPI, clinic: Clinic
) -> None:
    paths = [
        re.sub(r"\{[^}]+\}", lambda m: "2026-03-02" if "date" in m[0] else str(uuid.uuid4()), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/v1") and "get" in operations and not path.startswith(PARTNER_READS)
    ]
    assert len(paths) > 40
    answers = {path: clinic.payer.get(path).status_code for path in paths}
    assert {path: code for path, code in answers.items() if code != 403} == {}
