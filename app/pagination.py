"""The one way to page a list: `limit` and `offset` in, `Page` out."""

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.schemas import INT32_MAX

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


def page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=INT32_MAX, description="Items to skip.")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


def fetch_page(
    session: Session, statement: Select[RowT], params: PageParams
) -> tuple[list[RowT], int]:
    """One page of `statement` (which must be ordered) and the total count of its rows."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.scalars(statement.limit(params.limit).offset(params.offset)).all()
    return list(rows), int(total or 0)


def page_body(items: list[Any], total: int, params: PageParams) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": params.limit, "offset": params.offset}
