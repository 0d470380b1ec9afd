"""The one way to page a list: `limit` and `offset` in, `Page` out."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Response
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.schemas import INT32_MAX, Page

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int
    count_total: bool = True


async def page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=INT32_MAX, description="Items to skip.")] = 0,
    total: Annotated[
        bool,
        Query(
            description="Count every match into `total` (the default). `false` skips the count,"
            " which on a large list costs more than the page itself, and answers `total: null`:"
            " the last page is then the first with fewer than `limit` items."
        ),
    ] = True,
) -> PageParams:
    return PageParams(limit=limit, offset=offset, count_total=total)


PageDep = Annotated[PageParams, Depends(page_params)]


def fetch_page(
    session: Session,
    statement: Select[RowT],
    params: PageParams,
    *,
    narrowed: Select[RowT] | None = None,
    count: Callable[[], int] | None = None,
) -> tuple[list[RowT], int]:
    """One page of `statement` (which must be ordered) and the total count of its rows.

    The count is a second query over every match, so it runs only when the page cannot tell:
    a page shorter than `limit` ends the list. Without `count_total` it never runs, and the
    number answered is only what the page shows (`page_body` answers null for it).
    `narrowed`: the same statement cut to at least its first `offset + limit` rows, which an
    index finds faster; the page is read from it and the count from `statement`. `count`: the
    total known another way than by counting (a tally kept as rows change)."""
    paged = statement if narrowed is None else narrowed
    rows = list(session.scalars(paged.limit(params.limit).offset(params.offset)).all())
    seen = params.offset + len(rows)
    if not params.count_total or (len(rows) < params.limit and (rows or params.offset == 0)):
        return rows, seen
    if count is not None:
        return rows, count()
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    return rows, int(total or 0)


def page_body(items: list[Any], total: int, params: PageParams) -> dict[str, Any]:
    counted = total if params.count_total else None
    return {"items": items, "total": counted, "limit": params.limit, "offset": params.offset}


def page_response(
    page_type: type[Page[Any]], items: list[Any], total: int, params: PageParams
) -> Response:
    """A page of `page_type` answered as FastAPI answers its response model, serialized once.

    Returned from a route that declares `response_model=page_type` (its schema is unchanged),
    it skips FastAPI's second validation of the page: for a route run in the thread pool that
    is one more trip through the pool per request, for a page just validated here."""
    page = page_type.model_validate(page_body(items, total, params))
    return Response(page.model_dump_json(by_alias=True), media_type="application/json")
