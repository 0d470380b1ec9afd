"""Security headers on every answer, and CORS only for the origins the settings name."""

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.factories import Clinic

EVERY_ANSWER = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/healthz", 200),
        ("GET", "/openapi.json", 200),
        ("GET", "/v1/patients", 401),
        ("GET", "/v1/nowhere", 404),
        ("DELETE", "/healthz", 405),
        ("GET", "/fhir/R4/metadata", 200),
    ],
)
def test_every_answer_carries_the_security_headers(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert {name: response.headers.get(name) for name in EVERY_ANSWER} == EVERY_ANSWER
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "strict-transport-security" not in response.headers  # not configured


def test_answers_with_patient_data_are_never_stored(clinic: Clinic) -> None:
    body = {"given_name": "Alex", "family_name": "Rivera", "date_of_birth": "1990-05-17"}
    created = clinic.staff.post("/v1/patients", json=body)
    for response in (created, clinic.staff.get(f"/v1/patients/{created.json()['id']}")):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_documentation_pages_load_only_their_own_scripts(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        response = client.get(path)
        assert response.status_code == 200
        csp = response.headers["content-security-policy"]
        assert "script-src 'self' 'unsafe-inline'" in csp
        assert "http" not in csp


def test_a_too_large_body_carries_them_too(clinic: Clinic) -> None:
    response = clinic.staff.post(
        "/v1/patients",
        content=b"{" + b" " * 2_000_000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["x-content-type-options"] == "nosniff"


def test_hsts_when_configured(settings: Settings) -> None:
    client = TestClient(create_app(settings.model_copy(update={"hsts_seconds": 31_536_000})))
    response = client.get("/healthz")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


PREFLIGHT = {
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "authorization",
}


def test_no_origin_may_call_from_a_browser_by_default(client: TestClient, clinic: Clinic) -> None:
    origin = {"Origin": "https://evil.example"}
    preflight = client.options("/v1/patients", headers=origin | PREFLIGHT)
    assert "access-control-allow-origin" not in preflight.headers
    answer = clinic.staff.get("/v1/patients", headers=origin)
    assert answer.status_code == 200
    assert "access-control-allow-origin" not in answer.headers


def test_only_the_configured_origins_may_call_from_a_browser(settings: Settings) -> None:
    desk = "https://desk.example.org"
    client = TestClient(create_app(settings.model_copy(update={"cors_origins": [desk]})))
    allowed = client.options("/v1/patients", headers={"Origin": desk} | PREFLIGHT)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == desk
    assert "access-control-allow-credentials" not in allowed.headers
    other = client.options("/v1/patients", headers={"Origin": "https://evil.example"} | PREFLIGHT)
    assert "access-control-allow-origin" not in other.headers
    simple = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


@pytest.mark.parametrize("origin", ["*", "https://*.example.org", "desk.example.org", "null"])
def test_a_wildcard_or_malformed_origin_stops_start_up(origin: str) -> None:
    with pytest.raises(ValueError, match="cors_origins"):
        Settings(cors_origins=[origin])
