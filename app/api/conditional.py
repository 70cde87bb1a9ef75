"""Conditional GET for published data: strong ETags, Last-Modified, 304 when unchanged (RFC 9110 s13).

The offline app polls the offer; a 304 costs one small query and no body.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import Response

IfNoneMatch = Annotated[
    str | None,
    Header(
        max_length=2048,
        description="An ETag from an earlier response: the answer is 304 with no body if it still matches",
        examples=['"3f1c0d2e9a8b7c6d5e4f3a2b1c0d9e8f"'],
    ),
]
IfModifiedSince = Annotated[
    str | None,
    Header(
        max_length=64,
        description="Ignored when If-None-Match is sent (RFC 9110 s13.1.3)",
        examples=["Mon, 23 Nov 2026 00:00:00 GMT"],
    ),
]

# Clients may cache, but must ask again each time (a 304 is cheap); a new version shows at once.
CACHE_CONTROL = "public, no-cache"


def conditional_headers_doc() -> dict[str, Any]:
    """The `headers` of a 200 or 304 response in the OpenAPI document."""
    return {
        "ETag": {"description": "Strong validator: a hash of the body", "schema": {"type": "string"}},
        "Last-Modified": {"description": "When this version was published", "schema": {"type": "string"}},
        "Cache-Control": {"description": CACHE_CONTROL, "schema": {"type": "string"}},
    }


def not_modified_doc() -> dict[int | str, dict[str, Any]]:
    return {
        304: {
            "description": "Not modified: the ETag still matches; no body",
            "headers": conditional_headers_doc(),
        }
    }


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/"x" matches "x"; "*" matches any current representation."""
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def if_match_matches(header: str, etag: str) -> bool:
    """If-Match uses the strong comparison (RFC 9110 s13.1.1): a weak tag never matches; "*" does."""
    return any(tag.strip() in ("*", etag) for tag in header.split(","))


def conditional_response(
    body: bytes,
    *,
    etag: str,
    last_modified: datetime,
    if_none_match: str | None,
    if_modified_since: str | None,
    extra_headers: dict[str, str] | None = None,
) -> Response:
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Cache-Control": CACHE_CONTROL,
        **(extra_headers or {}),
    }
    if _not_modified(etag, last_modified, if_none_match, if_modified_since):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _not_modified(
    etag: str, last_modified: datetime, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as RFC 9110 s13.1.3 says
    if since.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= since
