"""A payer key's whole reach: its own payer's verification requests, its own identity, and the
prior authorizations it records. Every other read is refused."""

from fastapi import FastAPI

from tests.factories import Clinic, every_get_path

PARTNER_READS = ("/v1/insurance-verifications", "/v1/me")


def test_a_payer_key_is_refused_every_get_but_its_own_requests(
    app: FastAPI, clinic: Clinic
) -> None:
    paths = every_get_path(app, but=PARTNER_READS)
    assert len(paths) > 40
    answers = {path: clinic.payer.get(path).status_code for path in paths}
    assert {path: code for path, code in answers.items() if code != 403} == {}
