"""The FHIR routes in the OpenAPI document: tagged, and their answers FHIR JSON."""

from typing import Any

from app.config import Settings
from app.main import create_app


def test_every_fhir_operation_is_tagged_and_documents_fhir_json_answers() -> None:
    document: dict[str, Any] = create_app(Settings(key_secret="x" * 20)).openapi()
    fhir = {path: ops for path, ops in document["paths"].items() if path.startswith("/fhir/R4")}

    assert "/fhir/R4/metadata" in fhir
    for path, operations in fhir.items():
        for method, operation in operations.items():
            assert operation["tags"] == ["fhir"], (method, path)
            assert operation["operationId"].startswith("fhir-"), (method, path)
            for status, response in operation["responses"].items():
                assert list(response["content"]) == ["application/fhir+json"], (path, status)
            if path != "/fhir/R4/metadata":
                assert {"401", "403", "4XX"} <= operation["responses"].keys(), (method, path)
