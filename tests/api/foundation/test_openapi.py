"""OpenAPI is the product's face: complete, and the committed copy matches the app."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli import render_openapi
from app.config import Settings
from app.main import create_app

OPENAPI_FILE = Path(__file__).parents[3] / "openapi" / "openapi.json"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(Settings(key_secret="x" * 20)).openapi()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_the_committed_document_matches_the_app(document: dict[str, Any]) -> None:
    assert OPENAPI_FILE.read_text() == render_openapi(document), (
        "openapi/openapi.json is stale: run `iop openapi`"
    )


def test_every_operation_has_an_id_a_tag_and_a_summary(document: dict[str, Any]) -> None:
    ids = []
    for name, operation in operations(document):
        assert operation.get("operationId"), name
        assert operation.get("tags"), name
        assert operation.get("summary"), name
        ids.append(operation["operationId"])
    assert len(ids) == len(set(ids))


def test_every_api_operation_documents_its_errors_as_problem_json(
    document: dict[str, Any],
) -> None:
    for name, operation in operations(document):
        if not name.split(" ")[1].startswith("/v1"):
            continue
        errors = {s: r for s, r in operation["responses"].items() if s[0] == "4"}
        assert {"401", "403", "422"} <= errors.keys(), name
        for response in errors.values():
            assert list(response["content"]) == ["application/problem+json"], name
