"""Conditional requests (RFC 9110 s13), decided here and nowhere else.

Reads of published data: strong ETags, Last-Modified, 304 when unchanged. The offline app polls the
offer; a published representation is prepared once (`Prepared`: its bytes, ETag and encoded headers),
so a 304 costs no query and no body.

Changes to something people edit (a contact entry, an offer draft, a pathway plan version): the client
names the version it read in `If-Match`, and `require_if_match` is the one rule. Without it, or with
`*`, the answer is 428: `*` matches whatever is there now, a colleague's change included, which is
exactly what the header is for preventing (RFC 9110 lets a server demand more than it). A tag that
does not match strongly (a weak `W/` tag never does) is 412, carrying the current `etag`.

Reads of someone's own data (every `GET /v1/me/...`): `PrivateRead`, the same revalidation for an app that
keeps its copy offline. The ETag is a hash of the exact bytes of the answer (a list's ETag covers that
page), so it changes whenever the body would; `private, no-cache` and `Vary: Authorization`, so no shared
cache keeps it and no one's copy is ever handed to someone else. The body is built before it is hashed:
a 304 reads the same data as a 200 and leaves the same audit event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Header
from fastapi.responses import Response
from pydantic import TypeAdapter

from app.core.errors import PreconditionFailed, PreconditionRequired

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
# Someone's own data: only their own device may keep it (never a proxy or any shared cache), and it asks
# again each time, so a change (their PA edits the plan) shows at once.
PRIVATE_CACHE_CONTROL = "private, no-cache"
# The same URL answers each signed-in person with their own data: a cache must key it by who asked.
PRIVATE_VARY = "Authorization"

T = TypeVar("T")


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


def private_headers_doc() -> dict[str, Any]:
    """The `headers` of a 200 or 304 answer to a read of someone's own data, in the OpenAPI document."""
    return {
        "ETag": {
            "description": "Strong validator: a hash of this body (of this page, for a list). Send it in "
            "If-None-Match to get 304 while it is unchanged; it is not a version to send in If-Match",
            "schema": {"type": "string"},
        },
        "Cache-Control": {"description": PRIVATE_CACHE_CONTROL, "schema": {"type": "string"}},
        "Vary": {"description": PRIVATE_VARY, "schema": {"type": "string"}},
    }


def private_response(
    body: bytes, if_none_match: str | None, headers: Mapping[str, str] | None = None
) -> Response:
    """The answer to a read of someone's own data, already serialised: 200 with `body`, or 304 with no body
    if `If-None-Match` names its ETag (a weak `W/` tag too: RFC 9110 s13.1.2). `headers` (a list's Link)
    go with the 200; the 304 carries the validators only (RFC 9110 s15.4.5)."""
    validators = {"ETag": strong_etag(body), "Cache-Control": PRIVATE_CACHE_CONTROL, "Vary": PRIVATE_VARY}
    if if_none_match is not None and etag_matches(if_none_match, validators["ETag"]):
        return Response(status_code=304, headers=validators)
    return Response(body, media_type="application/json", headers={**(headers or {}), **validators})


class PrivateRead(Generic[T]):
    """One `GET /v1/me/...` answer: its model, serialised as FastAPI would (by alias), then answered by
    `private_response`. Declared once per route, beside it:

        MY_PLAN = PrivateRead(MyPlan)

        @router.get(..., response_model=MyPlan, responses={**MY_PLAN.doc(), **problem_responses(...)})
        async def get_my_pathway_plan(..., if_none_match: IfNoneMatch = None) -> Response:
            return MY_PLAN.answer(await service.my_pathway_plan(...), if_none_match)
    """

    def __init__(self, model: type[T]) -> None:
        self.model = model
        self._adapter: TypeAdapter[T] = TypeAdapter(model)

    def doc(self) -> dict[int | str, dict[str, Any]]:
        return {
            200: {"model": self.model, "headers": private_headers_doc()},
            304: {
                "description": "Not modified: the ETag still matches; no body",
                "headers": private_headers_doc(),
            },
        }

    def answer(self, value: T, if_none_match: str | None, response: Response | None = None) -> Response:
        """`response`: FastAPI's Response parameter, if the handler set headers on it (`Listing.page` sets
        Link); they go with the 200."""
        headers = {k: v for k, v in response.headers.items() if k != "content-length"} if response else None
        return private_response(self._adapter.dump_json(value, by_alias=True), if_none_match, headers)


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/"x" matches "x"; "*" matches any current representation."""
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def if_match_header(what: str, example: str) -> Any:
    """The `If-Match` parameter of a change, documented with the rule `require_if_match` applies."""
    return Header(
        max_length=2048,
        description=f"Required: {what}. 428 without it, or with `*` (send the real ETag); 412, with the "
        "current `etag`, if it has changed since",
        examples=[example],
    )


def if_match_tags(header: str | None, *, what: str) -> list[str]:
    """The entity tags a change was made against; 428 unless the client names at least one (not `*`)."""
    tags = [tag.strip() for tag in (header or "").split(",") if tag.strip()]
    if not tags:
        raise PreconditionRequired(
            f"Send If-Match with the ETag of {what} from your last read, so that a change someone made "
            "meanwhile is never overwritten."
        )
    if "*" in tags:
        raise PreconditionRequired(
            f"If-Match: * is not accepted for a change: send the ETag of {what} from your last read (the "
            "ETag header of that answer), so that a change someone made meanwhile is never overwritten."
        )
    return tags


def strong_match(tags: list[str], etag: str) -> bool:
    """If-Match uses the strong comparison (RFC 9110 s13.1.1): a weak tag never matches."""
    return etag in tags


def require_if_match(header: str | None, etag: str, *, what: str) -> None:
    """The rule for every change to something people edit: `etag` is the current one."""
    if not strong_match(if_match_tags(header, what=what), etag):
        raise stale(etag, what=what)


def check_if_match_if_sent(header: str | None, etag: str | None, *, what: str) -> None:
    """The same rule where a change may be made without reading first, because only its author ever
    changes it (a billing authority's confirmation): If-Match may be left out, but sent, it is checked
    as `require_if_match` checks it (`*` is 428; a tag that is not the current one, or any tag when there
    is nothing yet, is 412)."""
    if header is None:
        return
    if etag is None or not strong_match(if_match_tags(header, what=what), etag):
        raise stale(etag or '""', what=what)


def stale(etag: str, *, what: str) -> PreconditionFailed:
    return PreconditionFailed(
        f"Someone changed {what} since you read it. Read it again, check your change still makes sense, "
        "and send the new ETag (`etag` is the current one).",
        etag=etag,
    )


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


RawHeaders = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A JSON representation of published data, prepared once: its bytes, strong ETag, Last-Modified,
    and the raw headers of its 200 and its 304, so answering it again is a lookup."""

    body: bytes
    etag: str
    last_modified: datetime
    not_modified_headers: RawHeaders = field(repr=False)
    ok_headers: RawHeaders = field(repr=False)

    @classmethod
    def of(cls, body: bytes, last_modified: datetime) -> Prepared:
        etag = strong_etag(body)
        validators = _validators(etag, last_modified)
        raw = tuple((name.lower().encode(), value.encode("latin-1")) for name, value in validators.items())
        ok = (
            *raw,
            (b"content-length", str(len(body)).encode()),
            (b"content-type", b"application/json"),
        )
        return cls(body, etag, last_modified, raw, ok)

    def answer(
        self, if_none_match: str | None, if_modified_since: str | None
    ) -> tuple[int, RawHeaders, bytes]:
        """Status, headers and body for a GET with these conditional headers."""
        if is_not_modified(self.etag, self.last_modified, if_none_match, if_modified_since):
            return 304, self.not_modified_headers, b""
        return 200, self.ok_headers, self.body

    def response(self, if_none_match: str | None, if_modified_since: str | None) -> Response:
        status, headers, body = self.answer(if_none_match, if_modified_since)
        response = Response(body, status_code=status)
        response.raw_headers = list(headers)
        return response


def _validators(etag: str, last_modified: datetime) -> dict[str, str]:
    return {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Cache-Control": CACHE_CONTROL,
    }


def conditional_response(
    body: bytes,
    *,
    etag: str,
    last_modified: datetime,
    if_none_match: str | None,
    if_modified_since: str | None,
    extra_headers: dict[str, str] | None = None,
) -> Response:
    headers = {**_validators(etag, last_modified), **(extra_headers or {})}
    if is_not_modified(etag, last_modified, if_none_match, if_modified_since):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def is_not_modified(
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
