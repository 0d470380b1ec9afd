"""OpenAPI details shared by every route: error responses, operation ids, problem+json."""

from typing import Any

from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from app.errors import PROBLEM_MEDIA_TYPE, Problem

_EXAMPLES: dict[int, tuple[str, str, str]] = {
    400: ("malformed-json", "The body is not valid JSON", "The request body could not be parsed."),
    401: ("unauthorized", "Missing or invalid API key", "The API key is unknown or revoked."),
    403: ("forbidden", "Not allowed for this role", "The ehr role may not do this."),
    404: ("not-found", "Not found", "No record with this id in your organization."),
    409: ("conflict", "Conflict with the current state", "The change conflicts with a record."),
    412: ("precondition-failed", "If-Match does not match", "The record is at version 3."),
    428: ("precondition-required", "If-Match is required", "Send If-Match with the ETag read."),
    413: ("body-too-large", "The request body is too large", "Bodies are limited to 1 MiB."),
    415: ("unsupported-media-type", "Unsupported media type", "Send application/json."),
    422: ("validation-error", "The request is not valid", "Some fields are missing or invalid."),
    429: ("rate-limited", "Too many requests", "This key may make 600/minute requests."),
    503: ("busy", "Busy with concurrent changes; retry", "Retry shortly; nothing was stored."),
}


def problem_example(status: int, slug: str, title: str, detail: str, **extra: Any) -> Any:
    example = {
        "type": f"https://iop.example/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "/v1/…",
        "request_id": "5f0c1b8e2a4d4c7f9e3b6a1d2c8e7f90",
    }
    if status == 422 and slug == "validation-error":
        example["errors"] = [
            {"field": "date_of_birth", "code": "date_from_datetime_parsing",
             "message": "Input should be a valid date"},
        ]  # fmt: skip
    return example | extra


def problem_responses(*statuses: int, **custom: dict[str, Any]) -> dict[int | str, Any]:
    """Error responses for a route; `custom` maps a status (as `r409`) to its own examples."""
    responses: dict[int | str, Any] = {}
    for status in statuses:
        slug, title, detail = _EXAMPLES[status]
        examples = custom.get(f"r{status}") or {
            slug: {"value": problem_example(status, slug, title, detail)}
        }
        responses[status] = {
            "model": Problem,
            "description": title,
            "content": {PROBLEM_MEDIA_TYPE: {"examples": examples}},
        }
    return responses


# Every /v1 route may also answer 503: `busy` when the database aborted the transaction for a
# concurrent one, `database-unavailable` when it cannot be reached; both with `Retry-After`.
API_ERRORS = problem_responses(
    400, 401, 403, 413, 422, 429, 503,
    r503={
        "busy": {"value": problem_example(503, *_EXAMPLES[503])},
        "database-unavailable": {"value": problem_example(
            503, "database-unavailable", "The database cannot be reached; retry",
            "The database is unavailable; retry shortly.")},
    },
)  # fmt: skip


def operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def install_openapi(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
            separate_input_output_schemas=app.separate_input_output_schemas,
        )
        _keep_nulls_in_answer_examples(app, schema)
        _errors_as_problem_json(schema)
        _parameters_not_nullable(schema)
        _if_match_required(schema)
        _link_created_resources(schema)
        _compose_success_examples(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]


def _keep_nulls_in_answer_examples(app: FastAPI, schema: dict[str, Any]) -> None:
    """FastAPI drops every null from the document, the nulls of a route's answer examples too,
    and an answer without its null fields is not what the service sends: put them back."""
    # Routers are included lazily: their routes are reached through their route contexts.
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = schema["paths"].get(context.path_format, {}).get(method.lower())
            for status, response in route.responses.items() if operation else ():
                documented = operation["responses"].get(str(status), {}).get("content", {})
                for media_type, media in response.get("content", {}).items():
                    shown = documented.get(media_type, {})
                    for key in {"example", "examples"} & media.keys() & shown.keys():
                        shown[key] = jsonable_encoder(media[key])


def _errors_as_problem_json(schema: dict[str, Any]) -> None:
    """Error bodies are `application/problem+json`, not the `application/json` FastAPI assumes."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    problem = content.setdefault(PROBLEM_MEDIA_TYPE, {})
                    problem["schema"] = content.pop("application/json")["schema"]


def _parameters_not_nullable(schema: dict[str, Any]) -> None:
    """A query or header parameter is text or absent, never null: an optional one (`str | None`
    in Python) is declared by `required: false`, not by a `null` alternative clients could send
    as the text "null"."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                declared = parameter.get("schema", {})
                alternatives = declared.get("anyOf")
                if alternatives and {"type": "null"} in alternatives:
                    rest = [a for a in alternatives if a != {"type": "null"}]
                    del declared["anyOf"]
                    if len(rest) == 1:
                        declared.update(rest[0])
                    else:
                        declared["anyOf"] = rest
                    if declared.get("default", ...) is None:
                        del declared["default"]


def _if_match_required(schema: dict[str, Any]) -> None:
    """Every `/v1` change that reads `If-Match` requires it (428 without it, app.versioning).
    FastAPI would refuse a missing required header with a 422 before the key is even checked,
    so the route declares it optional and the document says what the service enforces."""
    slug, title, detail = _EXAMPLES[428]
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith("/v1/"):
            continue
        for operation in operations.values():
            parameters = operation.get("parameters", [])
            if_match = [p for p in parameters if p["in"] == "header" and p["name"] == "if-match"]
            for parameter in if_match:
                parameter["required"] = True
                operation["responses"]["428"] = {
                    "description": title,
                    "content": {
                        PROBLEM_MEDIA_TYPE: {
                            "schema": {"$ref": "#/components/schemas/Problem"},
                            "examples": {
                                slug: {"value": problem_example(428, slug, title, detail)}
                            },
                        }
                    },
                }


_ID = "$response.body#/id"
# What a client does next with a record it made (OpenAPI links): read it, change it, and make
# the records that hang off it. Clients may follow them; the stateful fuzz (`scripts/fuzz`)
# chains requests through them.
LINKS: dict[tuple[str, str], dict[str, tuple[str, dict[str, str]]]] = {
    ("patients-create_patient", "201"): {
        "GetPatient": ("patients-get_patient", {"patient_id": _ID}),
        "UpdatePatient": ("patients-update_patient", {"patient_id": _ID}),
        "AddCoverage": ("coverages-create_coverage", {"patient_id": _ID}),
        "AddConsent": ("patients-create_consent", {"patient_id": _ID}),
        "ListAppointments": ("appointments-list_patient_appointments", {"patient_id": _ID}),
    },
    ("admissions-create_admission", "201"): {
        "GetAdmission": ("admissions-get_admission", {"admission_id": _ID}),
        "Reassess": ("admissions-reassess_admission", {"admission_id": _ID}),
        "Approve": ("admissions-approve_admission", {"admission_id": _ID}),
        "Start": ("admissions-start_admission", {"admission_id": _ID}),
        "Cancel": ("admissions-cancel_admission", {"admission_id": _ID}),
        "SavePlan": ("treatment-plans-save_treatment_plan", {"admission_id": _ID}),
    },
    ("treatment-plans-save_treatment_plan", "201"): {
        "GetPlan": (
            "treatment-plans-get_treatment_plan",
            {"admission_id": "$request.path.admission_id"},
        ),
        "ListPlans": (
            "treatment-plans-list_treatment_plans",
            {"admission_id": "$request.path.admission_id"},
        ),
    },
    ("groups-create_group", "201"): {
        "GetGroup": ("groups-get_group", {"group_id": _ID}),
        "UpdateGroup": ("groups-update_group", {"group_id": _ID}),
        "AddMember": ("groups-add_group_member", {"group_id": _ID}),
        "ListMembers": ("groups-list_group_members", {"group_id": _ID}),
        "CloseGroup": ("groups-close_group", {"group_id": _ID}),
    },
    ("coverages-create_coverage", "201"): {
        "GetCoverage": (
            "coverages-get_coverage",
            {"patient_id": "$request.path.patient_id", "coverage_id": _ID},
        ),
        "UpdateCoverage": (
            "coverages-update_coverage",
            {"patient_id": "$request.path.patient_id", "coverage_id": _ID},
        ),
    },
    ("estimates-estimate_cost", "200"): {
        "GetEstimate": ("estimates-get_cost_estimate", {"estimate_id": _ID}),
    },
    ("estimates-issue_good_faith_estimate", "201"): {
        "GetGoodFaithEstimate": ("estimates-get_good_faith_estimate", {"estimate_id": _ID}),
    },
    ("insurance-verifications-create_verification", "201"): {
        "CancelVerification": (
            "insurance-verifications-cancel_verification",
            {"verification_id": _ID},
        ),
    },
}


def _link_created_resources(schema: dict[str, Any]) -> None:
    operations = {
        operation["operationId"]: operation
        for path in schema.get("paths", {}).values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for (source, status), links in LINKS.items():
        response = operations[source]["responses"][status]
        response["links"] = {
            name: {"operationId": target, "parameters": parameters}
            for name, (target, parameters) in links.items()
            if target in operations
        }


# What a composed example shows for a string of a known format: ids look like the UUIDv7 the
# service makes, instants are UTC.
_FORMAT_SAMPLES = {
    "uuid": "0193e4a2-7c1d-7b3e-9f4a-2d6c8b1e5a70",
    "date": "2026-03-02",
    "date-time": "2026-03-02T15:00:00Z",
    "email": "front.desk@clinic.example",
    "uri": "https://clinic.example/resource",
    "time": "18:00:00",
}


class _Recursive(Exception):
    """A schema refers to itself on the way down: the example stops at the nearest empty list
    or null that the schema allows."""


def _compose_success_examples(schema: dict[str, Any]) -> None:
    """Every JSON success answer shows an example: the route's own when it has one, else one
    composed from its schema, so a reader of the document sees a whole answer, not a type."""
    components = schema.get("components", {}).get("schemas", {})
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                media = response.get("content", {}).get("application/json")
                if status[0] != "2" or media is None or {"example", "examples"} & media.keys():
                    continue
                try:
                    media["example"] = compose_example(media.get("schema", {}), components)
                except _Recursive:
                    continue


def compose_example(
    schema: dict[str, Any], components: dict[str, Any], seen: frozenset[str] = frozenset()
) -> Any:
    """A value for `schema`: its own example, default, first enum value or constant, else one
    made from its type and format (objects with every property, arrays with one item)."""
    if schema.get("examples"):
        return schema["examples"][0]
    for key in ("example", "const", "default"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    if "$ref" in schema:
        reference = schema["$ref"]
        if reference in seen:
            raise _Recursive(reference)
        target = components[reference.rsplit("/", 1)[-1]]
        return compose_example(target, components, seen | {reference})
    if schema.get("allOf"):
        return compose_example(schema["allOf"][0], components, seen)
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if alternatives:
        return _compose_alternative(alternatives, components, seen)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        return _compose_object(schema, components, seen)
    if kind == "array":
        try:
            return [compose_example(schema.get("items", {}), components, seen)]
        except _Recursive:
            return []
    return _compose_scalar(kind, schema)


def _compose_alternative(
    alternatives: list[dict[str, Any]], components: dict[str, Any], seen: frozenset[str]
) -> Any:
    present = [a for a in alternatives if a.get("type") != "null"]
    if {a.get("type") for a in present} == {"number", "string"}:
        return "300.00"  # a Decimal (money, a rate) is written as a string
    try:
        return compose_example(present[0], components, seen) if present else None
    except _Recursive:
        if len(present) < len(alternatives):
            return None
        raise


def _compose_object(
    schema: dict[str, Any], components: dict[str, Any], seen: frozenset[str]
) -> Any:
    properties = schema.get("properties", {})
    if not properties and isinstance(schema.get("additionalProperties"), dict):
        key = compose_example(schema.get("propertyNames", {"type": "string"}), components, seen)
        return {str(key): compose_example(schema["additionalProperties"], components, seen)}
    return {name: compose_example(p, components, seen) for name, p in properties.items()}


def _compose_scalar(kind: Any, schema: dict[str, Any]) -> Any:
    if kind == "string":
        text = _FORMAT_SAMPLES.get(schema.get("format", ""), "text")
        return text.ljust(schema.get("minLength", 0), "x")
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        return min(max(low, 1), schema.get("maximum", low + 1))
    if kind == "boolean":
        return False
    return None
