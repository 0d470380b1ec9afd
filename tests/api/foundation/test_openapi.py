"""OpenAPI is the product's face: complete, the committed copy matches the app, and the
documentation pages that show it work without internet access."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker

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


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_documentation_pages_load_everything_from_the_service(
    client: TestClient, page: str
) -> None:
    html = client.get(page).text
    assert "http://" not in html
    assert "https://" not in html
    urls = re.findall(r'(?:src|href|spec-url)="([^"]+)"|url: \'([^\']+)\'', html)
    assets = [src or url for src, url in urls]
    assert any(asset.endswith(".js") for asset in assets), html
    for asset in assets:
        assert asset.startswith("/"), asset
        assert not asset.startswith("//"), asset
        assert client.get(asset).status_code == 200, asset


def test_swagger_ui_gets_its_script_and_styles_from_the_service(client: TestClient) -> None:
    html = client.get("/docs").text
    script = client.get("/docs/assets/swagger-ui-bundle.js")
    styles = client.get("/docs/assets/swagger-ui.css")
    assert '<script src="/docs/assets/swagger-ui-bundle.js">' in html
    assert "SwaggerUIBundle" in script.text
    assert styles.headers["content-type"].startswith("text/css")
    assert client.get("/docs/assets/missing.js").status_code == 404


def test_documentation_pages_and_their_assets_are_not_operations(document: dict[str, Any]) -> None:
    assert not [path for path in document["paths"] if path.startswith(("/docs", "/redoc"))]


def success_answers(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, operation in operations(document):
        for status, response in operation["responses"].items():
            media = response.get("content", {}).get("application/json")
            if status.startswith("2") and media is not None:
                yield f"{name} {status}", media


def shown_examples(media: dict[str, Any]) -> list[Any]:
    named = [example["value"] for example in media.get("examples", {}).values()]
    return [media["example"], *named] if "example" in media else named


def test_every_json_success_answer_shows_an_example(document: dict[str, Any]) -> None:
    missing = [name for name, media in success_answers(document) if not shown_examples(media)]
    assert not missing


def test_every_success_example_is_valid_for_its_schema(document: dict[str, Any]) -> None:
    invalid = []
    for name, media in success_answers(document):
        # `#/components/…` references resolve against the document's components.
        schema = media["schema"] | {"components": document["components"]}
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        for example in shown_examples(media):
            invalid += [f"{name}: {error.json_path}: {error.message}"
                        for error in validator.iter_errors(example)]  # fmt: skip
    assert not invalid, "\n".join(invalid)
