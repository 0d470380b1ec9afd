"""The CapabilityStatement says exactly what the routes do: the same resource types, the same
interactions and the same search parameters, nothing claimed that is not served."""

import re
from collections import defaultdict

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.fhir.router import router
from app.fhir.search import RESULT_PARAMETERS
from tests.factories import Clinic

from .fhir import BASE, fhir, fhir_patient, outcome, push

TYPE_LEVEL = re.compile(rf"^{BASE}/(?P<type>[A-Z][A-Za-z]+)$")
INSTANCE_LEVEL = re.compile(rf"^{BASE}/(?P<type>[A-Z][A-Za-z]+)/\{{[a-z_]+\}}$")
# The interaction each route shape is (FHIR R4 RESTful API); a PUT on the type is the
# conditional update, which the statement lists as `update` with `conditionalUpdate`.
INTERACTIONS = {
    ("GET", "type"): "search-type",
    ("GET", "instance"): "read",
    ("POST", "type"): "create",
    ("PUT", "type"): "update",
}


def query_names(dependant: Dependant) -> set[str]:
    """The query parameters a route takes, its dependencies' too."""
    names = {parameter.alias for parameter in dependant.query_params}
    return names.union(*(query_names(d) for d in dependant.dependencies))


def served() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per resource type: the interactions the FHIR routes serve, and its search parameters."""
    interactions: dict[str, set[str]] = defaultdict(set)
    parameters: dict[str, set[str]] = defaultdict(set)
    for route in router.routes:
        if not isinstance(route, APIRoute) or not route.path.startswith(BASE + "/"):
            continue
        if route.path in (f"{BASE}/metadata", f"{BASE}/{{path:path}}"):
            continue
        level, match = "type", TYPE_LEVEL.match(route.path)
        if match is None:
            level, match = "instance", INSTANCE_LEVEL.match(route.path)
        assert match is not None, f"a FHIR route of no known shape: {route.path}"
        for method in route.methods or ():
            interaction = INTERACTIONS[(method, level)]
            interactions[match["type"]].add(interaction)
            if interaction == "search-type":
                parameters[match["type"]] = query_names(route.dependant) - RESULT_PARAMETERS
    return dict(interactions), dict(parameters)


def test_the_capability_statement_lists_the_routes_and_nothing_else(client: TestClient) -> None:
    statement = fhir(client.get(f"{BASE}/metadata"))
    [rest] = statement["rest"]
    interactions, parameters = served()

    listed = {r["type"]: {i["code"] for i in r["interaction"]} for r in rest["resource"]}
    searched = {r["type"]: {p["name"] for p in r.get("searchParam", [])} for r in rest["resource"]}
    assert listed == interactions
    assert searched == {kind: parameters.get(kind, set()) for kind in listed}
    for resource in rest["resource"]:
        assert resource["conditionalUpdate"] == ("update" in listed[resource["type"]])
        assert resource["conditionalCreate"] == ("create" in listed[resource["type"]])
        assert resource["readHistory"] is False  # no earlier versions are kept to read


def test_no_history_or_version_read_is_claimed_or_served(
    client: TestClient, clinic: Clinic
) -> None:
    """Only a version counter is kept, not earlier versions: a version read would have
    nothing to answer but the current one."""
    pushed = fhir(push(clinic.ehr, fhir_patient()), 201)
    statement = fhir(client.get(f"{BASE}/metadata"))

    [rest] = statement["rest"]
    codes = {i["code"] for r in rest["resource"] for i in r["interaction"]}
    assert not codes & {"vread", "history-instance", "history-type"}
    assert not [r.path for r in router.routes if isinstance(r, APIRoute) and "_history" in r.path]
    outcome(clinic.ehr.get(f"{BASE}/Patient/{pushed['id']}/_history/1"), 404)
    outcome(clinic.ehr.get(f"{BASE}/Patient/{pushed['id']}/_history"), 404)
