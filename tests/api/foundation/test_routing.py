"""The route index (app.routing) sends every request where FastAPI's in-order matching would."""

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from app.routing import RouteIndex

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
UUID = "00000000-0000-4000-8000-000000000000"
# Paths no template names: unknown resources under each prefix, prefixes alone, odd slashes.
UNKNOWN_PATHS = (
    "/",
    "/v1",
    "/v1/",
    "/v1/nothing-here",
    f"/v1/nothing-here/{UUID}",
    "/v1//patients",
    "/fhir",
    "/fhir/R4",
    "/fhir/R4/Nothing",
    "/docs/",
    "/docs/assets/swagger-ui.css",
    "/docs/assets/missing.js",
    "/healthz%0A",
    "/nothing-here",
)


@dataclass(frozen=True)
class Dispatch:
    """What a request was sent to, and what the client saw of it."""

    status: int
    route: Any
    endpoint: Any
    path_params: dict[str, Any]
    allow: str | None
    location: str | None


class Recorder:
    """Around the router's entry: the route, endpoint and path parameters it put in the scope."""

    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner
        self.scopes: list[Scope] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.scopes.append(scope)
        await self.inner(scope, receive, send)


def concrete(template: str) -> str:
    return re.sub(r"\{[^}]+\}", UUID, template)


def request_paths(app: FastAPI) -> list[str]:
    templates = [context.path_format for context in iter_route_contexts(app.routes)]
    paths = [concrete(template) for template in templates if template]
    # redirect_slashes answers the same path with its trailing slash toggled.
    toggled = [path.rstrip("/") if path.endswith("/") else path + "/" for path in paths]
    return list(dict.fromkeys([*paths, *toggled, *UNKNOWN_PATHS]))


@pytest.fixture
def router_entry(app: FastAPI) -> Iterator[None]:
    entry = app.router.middleware_stack
    yield
    app.router.middleware_stack = entry


def dispatches(
    app: FastAPI, client: TestClient, entry: ASGIApp, paths: list[str]
) -> list[Dispatch]:
    recorder = Recorder(entry)
    app.router.middleware_stack = recorder
    seen = []
    for path in paths:
        for method in METHODS:
            response = client.request(method, path, follow_redirects=False)
            scope = recorder.scopes[-1]
            seen.append(
                Dispatch(
                    status=response.status_code,
                    route=scope.get("route"),
                    endpoint=scope.get("endpoint"),
                    path_params=scope.get("path_params", {}),
                    allow=response.headers.get("allow"),
                    location=response.headers.get("location"),
                )
            )
    return seen


@pytest.mark.commits  # `/readyz` opens a connection of its own
@pytest.mark.usefixtures("router_entry")
def test_every_path_and_method_goes_where_in_order_matching_sends_it(
    app: FastAPI, client: TestClient
) -> None:
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    paths = request_paths(app)

    indexed = dispatches(app, client, index, paths)
    in_order = dispatches(app, client, app.router.app, paths)

    differences = [
        (method, path, ours, theirs)
        for (path, method), ours, theirs in zip(
            ((path, method) for path in paths for method in METHODS), indexed, in_order, strict=True
        )
        if ours != theirs
    ]
    assert differences == []
    statuses = {dispatch.status for dispatch in indexed}
    assert {200, 307, 401, 404, 405} <= statuses  # found, redirected, refused, unknown, wrong verb


def test_a_wrong_method_is_a_405_naming_every_method_of_the_path(client: TestClient) -> None:
    response = client.put("/v1/patients")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


def test_an_unknown_path_is_a_404_problem_under_a_known_prefix_too(client: TestClient) -> None:
    for path in ("/v1/nothing-here", f"/v1/patients/{UUID}/nothing-here", "/nothing-here"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"


def test_a_route_added_to_the_app_is_served_and_gone_once_removed(
    app: FastAPI, client: TestClient
) -> None:
    assert client.get("/v1/me").status_code == 401  # the index is built
    routes = list(app.router.routes)

    def wave() -> dict[str, str]:
        return {"wave": "hello"}

    app.add_api_route("/v1/wave", wave)
    assert client.get("/v1/wave").json() == {"wave": "hello"}
    app.router.routes[:] = routes
    assert client.get("/v1/wave").status_code == 404


@pytest.mark.commits  # a fresh app: its index is built by the first requests
def test_requests_on_several_event_loops_at_once_find_their_routes(app: FastAPI) -> None:
    """Test clients (and any server running several loops) reach the app from many threads: a
    request there must never see an index half built by another."""
    clients = [TestClient(app, raise_server_exceptions=False) for _ in range(8)]
    start = threading.Barrier(len(clients))

    def first_request(client: TestClient) -> int:
        start.wait()
        status: int = client.get("/v1/patients").status_code
        return status

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        statuses = list(pool.map(first_request, clients))
    assert statuses == [401] * len(clients)  # no key: the route was found, and refuses
