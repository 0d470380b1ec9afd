"""Route lookup that tries only the routes a request's path could match.

FastAPI finds a request's route by matching every route in order, and an included router by
matching all of its own routes, twice per request (once to choose, once to handle): with ~140
routes, finding the route of a cheap request cost about a third of it. The index maps the first
literal segments of the paths of each of the app's entries (a route, a mount, an included
router: `/v1/patients`, `/healthz`) to that entry; a request tries, in their declared order,
only the entries whose paths could match its own path or that path with its trailing slash
toggled (which `redirect_slashes` tries). Skipping only entries that cannot match keeps first
match wins, the 405s, the redirects and the 404s as they were, and FastAPI's own router still
does the matching, so `scope["route"]`, the path parameters, the dependencies and `app.routes`
are FastAPI's. The index is only as fine as the app's entries: each domain router is included
on the app itself, so that `/v1/patients/…` tries the routers that hold such paths, not all.
The frontend routes of an included router (`APIRouter.frontend`, tried after all others) are
not indexed: the app serves none, and one would need its router to stay a candidate of every
path.

FastAPI builds the app's router itself and has no setting for its class. Starlette's router
enters through `middleware_stack`, where its own router-level middleware goes; the index sits
there and hands each request to a copy of the router that holds only its candidates.
"""

import copy
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.routing import APIRouter, iter_route_contexts
from starlette._utils import get_route_path  # the path Starlette's routes match: root_path off
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

# `/v1/<resource>`: the second segment names the domain, and so the router, of most paths.
INDEXED_SEGMENTS = 2

Segments = tuple[str, ...]


def index_routes(app: FastAPI) -> None:
    """Serve the app's requests through a route index (see the module)."""
    app.router.middleware_stack = RouteIndex(app.router)


class RouteIndex:
    """The app's router entered with only the entries a request's path could match."""

    def __init__(self, router: APIRouter) -> None:
        self._router = router
        self._index = _Index([])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._router.app(scope, receive, send)
            return
        # A test adds a route of its own and takes it away: the index follows the app's list
        # (an included router, though, is complete when it is included). A new index replaces
        # the old one whole: requests on other threads' event loops (test clients) read either.
        index = self._index
        if self._router.routes != index.entries:
            index = self._index = _Index(list(self._router.routes))
        # The router, not the copy that matches, is what `request.url_for` asks.
        scope.setdefault("router", self._router)
        await index.branch(self._router, scope).app(scope, receive, send)


class _Index:
    def __init__(self, entries: list[BaseRoute]) -> None:
        self.entries = entries
        self._positions: dict[Segments, list[int]] = {}
        self._branches: dict[tuple[int, ...], APIRouter] = {}
        for position, entry in enumerate(entries):
            for prefix in {
                literal_prefix(context.path_format) for context in iter_route_contexts([entry])
            }:
                self._positions.setdefault(prefix, []).append(position)

    def branch(self, router: APIRouter, scope: Scope) -> APIRouter:
        route_path = get_route_path(scope)
        path: str = scope["path"]
        toggled = path.rstrip("/") if route_path.endswith("/") else path + "/"
        redirect = {"path": toggled, "root_path": scope.get("root_path", "")}
        positions = {
            position
            for candidate_path in (route_path, get_route_path(redirect))
            for prefix in path_prefixes(candidate_path)
            for position in self._positions.get(prefix, ())
        }
        chosen = tuple(sorted(positions))
        branch = self._branches.get(chosen)
        if branch is None:
            branch = copy.copy(router)
            branch.routes = [self.entries[position] for position in chosen]
            self._branches[chosen] = branch
        return branch


def literal_prefix(path_format: str | None) -> Segments:
    """The segments that begin every path a route template matches, at most `INDEXED_SEGMENTS`:
    `("v1", "patients")` for `/v1/patients/{patient_id}`, `()` for one that may match anything
    (a parameter first, or no path at all, as a `Host`)."""
    if not path_format or not path_format.startswith("/"):
        return ()
    literal, parameter, _ = path_format.partition("{")
    segments = literal.split("/")[1:]
    if parameter:  # the segment that holds the parameter is not literal
        segments = segments[:-1]
    return tuple(segments[:INDEXED_SEGMENTS])


def path_prefixes(route_path: str) -> Iterator[Segments]:
    """Every index key a template that matches the path may have: its leading segments, from
    none to `INDEXED_SEGMENTS`. A route's pattern ends in `$`, which also matches before a final
    newline, so the newline is no part of a segment here."""
    segments = route_path.removesuffix("\n").split("/", INDEXED_SEGMENTS + 1)[1:]
    for count in range(min(len(segments), INDEXED_SEGMENTS) + 1):
        yield tuple(segments[:count])
