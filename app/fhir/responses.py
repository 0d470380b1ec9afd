"""How the FHIR routes answer: `application/fhir+json`, versions as ETags, searchset Bundles
with paging links and `total`."""

from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse

from app.fhir.codes import FHIR_JSON
from app.pagination import PageParams

PREFIX = "/fhir/R4"


class FhirResponse(JSONResponse):
    media_type = FHIR_JSON


def base_url(request: Request) -> str:
    """The service base every `fullUrl` and link starts from."""
    return str(request.base_url).rstrip("/") + PREFIX


def resource_response(
    resource: dict[str, Any], *, status_code: int = 200, location: str | None = None
) -> FhirResponse:
    """One resource, with its version as the ETag and its last change as Last-Modified."""
    meta = resource["meta"]
    headers = {
        "ETag": f'W/"{meta["versionId"]}"',  # FHIR versions are weak ETags
        "Last-Modified": format_datetime(datetime.fromisoformat(meta["lastUpdated"]), usegmt=True),
    }
    if location is not None:
        headers["Location"] = location
    return FhirResponse(resource, status_code=status_code, headers=headers)


def searchset(
    request: Request, resources: list[dict[str, Any]], total: int, page: PageParams
) -> FhirResponse:
    """A page of search results, linked to the pages around it by the same search."""
    base = base_url(request)
    links = [{"relation": "self", "url": _page_url(request, page.offset, page.limit)}]
    if page.limit:
        last = max(0, (total - 1) // page.limit * page.limit)
        links.append({"relation": "first", "url": _page_url(request, 0, page.limit)})
        if page.offset > 0:
            previous = max(0, min(page.offset - page.limit, last))
            links.append({"relation": "previous", "url": _page_url(request, previous, page.limit)})
        if page.offset + page.limit < total:
            following = page.offset + page.limit
            links.append({"relation": "next", "url": _page_url(request, following, page.limit)})
        links.append({"relation": "last", "url": _page_url(request, last, page.limit)})
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ],
    }
    return FhirResponse(bundle)


def _page_url(request: Request, offset: int, count: int) -> str:
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("_offset", "_count")]
    query = urlencode([*kept, ("_count", str(count)), ("_offset", str(offset))])
    return str(request.url.replace(query=query))
