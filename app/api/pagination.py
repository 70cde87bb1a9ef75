"""The list envelope every collection endpoint returns, and its query parameters."""

from __future__ import annotations

import json
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import quote

from fastapi import Query, Request, Response
from pydantic import BaseModel, Field

from app.db.pagination import Window

T = TypeVar("T")

MAX_LIMIT = 100
DEFAULT_LIMIT = 25

LimitQuery = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}", examples=[25])
]
CursorQuery = Annotated[
    str | None,
    Query(max_length=512, description="Opaque cursor from the previous page's `next_cursor`"),
]


class Page(BaseModel, Generic[T]):
    """One page of a list. Follow `next` (or pass `next_cursor` as `cursor`) until it is null."""

    items: list[T]
    limit: int = Field(description="The page size used")
    next_cursor: str | None = Field(description="Cursor for the next page; null on the last page")
    next: str | None = Field(description="Relative URL of the next page; null on the last page")

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        # "LocalAuthorityPage" rather than pydantic's "Page[LocalAuthorityRead]" in generated clients.
        name = params[0].__name__
        for suffix in ("Read", "Summary"):
            name = name.removesuffix(suffix)
        return f"{name}Page"


def next_link(request: Request, cursor: str | None, limit: int) -> str | None:
    if cursor is None:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "limit")]
    params += [("limit", str(limit)), ("cursor", cursor)]
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params)
    return f"{request.url.path}?{query}"


def page_of(request: Request, response: Response, window: Window[T], limit: int) -> Page[T]:
    """Wrap a window in the envelope and add an RFC 8288 `Link` header for the next page."""
    link = next_link(request, window.next_cursor, limit)
    if link is not None:
        response.headers["Link"] = f'<{link}>; rel="next"'
    return Page[T](items=window.items, limit=limit, next_cursor=window.next_cursor, next=link)


def raw_page(
    request: Request, items: list[bytes], limit: int, cursor: str | None
) -> tuple[bytes, dict[str, str]]:
    """The same envelope as `Page` around items already serialised (published data), and its Link header."""
    link = next_link(request, cursor, limit)
    headers = {"Link": f'<{link}>; rel="next"'} if link is not None else {}
    tail = json.dumps({"limit": limit, "next_cursor": cursor, "next": link}, separators=(",", ":")).encode()
    return b'{"items":[' + b",".join(items) + b"]," + tail[1:], headers
