"""Bad input always gets a 4xx problem document, never a 500 or a stack trace."""

import re
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import Clinic, json_object

PROBLEM = "application/problem+json"


def assert_problem(response: httpx2.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = json_object(response)
    assert body["type"].endswith(f"/{slug}")
    assert body["status"] == status
    assert {"title", "detail", "instance"} <= body.keys()
    assert "Traceback" not in response.text
    return body


def test_malformed_json_is_a_400_problem(clinic: Clinic) -> None:
    response = clinic.admin.post(
        "/v1/api-keys", content=b'{"name": "x", ', headers={"content-type": "application/json"}
    )
    assert_problem(response, 400, "malformed-json")


def test_wrong_types_name_the_field_code_and_message(clinic: Clinic) -> None:
    response = clinic.admin.post("/v1/api-keys", json={"name": 42, "role": "wizard"})
    body = assert_problem(response, 422, "validation-error")
    fields = {error["field"]: error for error in body["errors"]}
    assert fields["role"]["code"] == "enum"
    assert fields["name"]["code"] == "string_type"
    assert all(error["message"] for error in body["errors"])


def test_unknown_fields_are_rejected_not_ignored(clinic: Clinic) -> None:
    response = clinic.admin.post(
        "/v1/api-keys", json={"name": "tablet", "role": "staff", "is_superuser": True}
    )
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"] == [
        {
            "field": "is_superuser",
            "code": "extra_forbidden",
            "message": "Extra inputs are not permitted",
        }
    ]


def test_bad_query_parameters_are_named_with_their_source(clinic: Clinic) -> None:
    body = assert_problem(clinic.admin.get("/v1/api-keys?limit=0"), 422, "validation-error")
    assert body["errors"][0]["field"] == "query.limit"


def test_oversized_body_is_a_413_problem(clinic: Clinic) -> None:
    big = {"name": "x" * 2_000_000, "role": "staff"}
    assert_problem(clinic.admin.post("/v1/api-keys", json=big), 413, "body-too-large")


def test_oversized_streamed_body_without_length_is_a_413_problem(clinic: Clinic) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(4):
            yield b" " * 1_000_000

    response = clinic.admin.post(
        "/v1/api-keys", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "body-too-large")


@pytest.mark.parametrize(
    ("method", "path", "status", "slug"),
    [
        ("GET", "/v1/no-such-thing", 404, "not-found"),
        ("GET", "/nowhere", 404, "not-found"),
        ("PUT", "/v1/api-keys", 405, "method-not-allowed"),
    ],
)
def test_unknown_routes_and_methods_are_problems(
    client: TestClient, method: str, path: str, status: int, slug: str
) -> None:
    assert_problem(client.request(method, path), status, slug)


def test_every_response_carries_a_request_id_and_echoes_a_clients_own(client: TestClient) -> None:
    assert len(client.get("/healthz").headers["x-request-id"]) == 32
    response = client.get("/healthz", headers={"X-Request-ID": "front-desk-0001"})
    assert response.headers["x-request-id"] == "front-desk-0001"


def test_a_problem_document_names_the_request_it_answers(client: TestClient) -> None:
    response = client.get("/v1/me", headers={"X-Request-ID": "front-desk-0002"})
    body = assert_problem(response, 401, "unauthorized")
    assert body["request_id"] == "front-desk-0002"
    assert body["instance"] == "/v1/me"


def test_arithmetic_beyond_supported_dates_is_a_422_not_a_500(app: FastAPI) -> None:
    # A route of this test's own: every real route bounds its dates, this is the safety net.
    def overflow() -> None:
        raise OverflowError("date value out of range")

    app.add_api_route("/v1/test-overflow", overflow)
    response = TestClient(app).get("/v1/test-overflow")
    assert_problem(response, 422, "validation-error")


def test_a_405_lists_every_method_its_path_has(app: FastAPI, client: TestClient) -> None:
    methods = {"get", "post", "put", "patch", "delete"}
    for path, operations in app.openapi()["paths"].items():
        if not path.startswith("/v1") or operations.keys() >= methods:
            continue
        url = re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", path)
        unused = sorted(methods - operations.keys())[0]
        response = client.request(unused.upper(), url)
        assert response.status_code == 405, (unused, url, response.text)
        assert response.headers["allow"] == ", ".join(sorted(m.upper() for m in operations))


def test_patch_on_group_sizing_is_a_405_not_a_malformed_group_id(clinic: Clinic) -> None:
    response = clinic.staff.patch("/v1/groups/sizing", json={})
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "POST"


def test_a_batch_may_be_larger_than_any_other_body(client: TestClient) -> None:
    megabyte_and_a_half = b"x" * 1_500_000
    other = client.post("/v1/patients", content=megabyte_and_a_half)
    batch = client.post("/v1/attendance/batch", content=megabyte_and_a_half)
    assert other.status_code == 413
    assert batch.status_code != 413  # it reaches the route (and its key check)
