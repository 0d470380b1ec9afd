"""The document's links (create → read/update) name operations and parameters that exist, so
a client, or the stateful fuzz, can follow each from the record it made."""

import re
from typing import Any

from fastapi import FastAPI

from app.openapi import LINKS


def operations(document: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        operation["operationId"]: (path, operation)
        for path, methods in document["paths"].items()
        for operation in methods.values()
    }


def test_every_link_leads_to_an_operation_with_those_path_parameters(app: FastAPI) -> None:
    document = app.openapi()
    by_id = operations(document)
    for (source, status), links in LINKS.items():
        _path, operation = by_id[source]
        declared = operation["responses"][status]["links"]
        assert set(declared) == set(links)
        for link in declared.values():
            target_path, _target = by_id[link["operationId"]]
            assert set(link["parameters"]) == set(re.findall(r"\{([a-z_]+)\}", target_path))
            for expression in link["parameters"].values():
                assert re.fullmatch(r"\$(response\.body#/id|request\.path\.[a-z_]+)", expression)


def test_the_main_chains_are_linked() -> None:
    sources = {source for source, _status in LINKS}
    for resource in ("patient", "admission", "group", "treatment_plan", "coverage",
                     "cost", "good_faith_estimate", "verification"):  # fmt: skip
        assert any(resource in source for source in sources), resource


def test_every_v1_operation_documents_busy_and_an_unavailable_database(app: FastAPI) -> None:
    for operation_id, (path, operation) in operations(app.openapi()).items():
        if path.startswith("/v1/"):
            examples = operation["responses"]["503"]["content"]["application/problem+json"]
            assert set(examples["examples"]) == {"busy", "database-unavailable"}, operation_id
