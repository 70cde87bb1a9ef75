"""The list envelope every collection endpoint returns, its query parameters, and its cursors.

A cursor is the position where a page ended (`app.db.pagination.Position`), sealed with AES-SIV
(RFC 5297) under a key derived from the secret key: nothing in it is readable, and it opens only for
the list (the path, with its ids), the filters and the account it was issued to, until it expires.
The free-text search `q` travels inside the cursor, never in a `next` link, so what someone typed
(usually a name) stays out of proxy logs and browser history.

AES-SIV is deterministic: the same page asked for by the same account within the same hour gets the
same cursor, so a list page's strong ETag (the published entitlements) holds while nothing changes.
"""

from __future__ import annotations

import base64
import json
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any, Final, Generic, Literal, TypeVar
from urllib.parse import quote

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Query, Request, Response
from pydantic import BaseModel, Field

from app.core.clock import utc_now
from app.db.pagination import Position, Window, invalid_cursor

T = TypeVar("T")

MAX_LIMIT = 100
DEFAULT_LIMIT = 25
# A position holds at most two 100-character names and an id, the search at most 100 characters:
# under 1,800 characters sealed, whatever the alphabet.
MAX_CURSOR_LENGTH = 2048
CURSOR_LIFETIME = timedelta(hours=24)
PUBLIC_LIST: Final = "public"  # the "account" a public list's cursors are bound to
FREE_TEXT: Final = "q"

_FORMAT = b"\x01"  # first byte of every cursor; a new format gets a new byte
_PAD_TO = 32  # plaintext length rounded up, so a cursor's length says little about the names in it
_NOT_FILTERS = frozenset({"cursor", "limit", FREE_TEXT})

LimitQuery = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}", examples=[25])
]
CursorQuery = Annotated[
    str | None,
    Query(
        max_length=MAX_CURSOR_LENGTH,
        description="Opaque cursor from the previous page's `next_cursor`, for the same list, filters and "
        "account; valid for 24 hours",
    ),
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


@lru_cache(maxsize=4)
def _cipher(secret_key: str) -> AESSIV:
    # Its own key, derived for this purpose alone: a cursor can never be mistaken for a token.
    hkdf = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=b"local-offer/pagination-cursor/v1")
    return AESSIV(hkdf.derive(secret_key.encode()))


@dataclass(frozen=True, slots=True)
class Listing:
    """One request for a page of a list: where to resume, what was searched for, and how to seal the next
    cursor. Made by `open_list`; the handler passes `after` (and `q`) to its service, then calls `page`."""

    request: Request
    binding: list[bytes]
    after: Position | None
    q: str | None

    def page(self, response: Response, window: Window[T], limit: int) -> Page[T]:
        """The envelope around a window, with an RFC 8288 `Link` header for the next page."""
        cursor = self._seal(window.next)
        link = self._next_link(cursor, limit)
        if link is not None:
            response.headers["Link"] = f'<{link}>; rel="next"'
        return Page[T](items=window.items, limit=limit, next_cursor=cursor, next=link)

    def raw_page(
        self, items: list[bytes], limit: int, after: Position | None
    ) -> tuple[bytes, dict[str, str]]:
        """The same envelope around items already serialised (published data), and its Link header."""
        cursor = self._seal(after)
        link = self._next_link(cursor, limit)
        headers = {"Link": f'<{link}>; rel="next"'} if link is not None else {}
        tail = json.dumps({"limit": limit, "next_cursor": cursor, "next": link}, separators=(",", ":"))
        return b'{"items":[' + b",".join(items) + b"]," + tail.encode()[1:], headers

    def _seal(self, position: Position | None) -> str | None:
        if position is None:
            return None
        # Rounded up to the hour so the same page keeps the same cursor for a while (see the docstring).
        expires = math.ceil((utc_now() + CURSOR_LIFETIME).timestamp() / 3600) * 3600
        body = {"s": position.sort, "v": list(position.values), "q": self.q, "x": expires}
        plain = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        plain += b" " * (-len(plain) % _PAD_TO)
        sealed = _FORMAT + _cipher(_secret(self.request)).encrypt(plain, self.binding)
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()

    def _next_link(self, cursor: str | None, limit: int) -> str | None:
        if cursor is None:
            return None
        params = [(k, v) for k, v in self.request.query_params.multi_items() if k not in _NOT_FILTERS]
        params += [("limit", str(limit)), ("cursor", cursor)]
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params)
        return f"{self.request.url.path}?{query}"


def open_list(
    request: Request,
    account: uuid.UUID | Literal["public"],
    cursor: str | None,
    *,
    q: str | None = None,
) -> Listing:
    """Open the cursor a list request carries: 422 `request.invalid_cursor` unless this list issued it, to
    this account, for these filters, and it has not expired. `account` is the principal's user id, or
    `PUBLIC_LIST`. On a later page the search comes from the cursor; a `q` sent with it must be the same."""
    binding = _binding(request, str(account))
    if cursor is None:
        return Listing(request, binding, None, q)
    after, sealed_q = _open(_secret(request), binding, cursor, utc_now())
    if q is not None and q != sealed_q:
        raise invalid_cursor("a cursor from another search")
    return Listing(request, binding, after, sealed_q)


def _secret(request: Request) -> str:
    secret: str = request.app.state.settings.secret_key.get_secret_value()
    return secret


def _binding(request: Request, account: str) -> list[bytes]:
    """What a cursor is bound to, as associated data: authenticated, never carried in the cursor."""
    filters = sorted((k, v) for k, v in request.query_params.multi_items() if k not in _NOT_FILTERS)
    return [
        _FORMAT,
        request.url.path.encode(),
        account.encode(),
        json.dumps(filters, ensure_ascii=False).encode(),
    ]


def _open(secret_key: str, binding: list[bytes], cursor: str, now: datetime) -> tuple[Position, str | None]:
    try:
        sealed = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        if sealed[:1] != _FORMAT:
            raise invalid_cursor()
        body = json.loads(_cipher(secret_key).decrypt(sealed[1:], binding))
    except (InvalidTag, ValueError) as exc:  # ValueError: bad base64, UTF-8 or JSON
        raise invalid_cursor() from exc
    # Only we can have written it, but a cursor is input: check its shape before trusting it.
    if not (
        isinstance(body, dict)
        and isinstance(body.get("s"), str)
        and isinstance(body.get("v"), list)
        and all(v is None or (isinstance(v, str | int) and not isinstance(v, bool)) for v in body["v"])
        and (body.get("q") is None or isinstance(body["q"], str))
        and isinstance(body.get("x"), int)
    ):
        raise invalid_cursor()
    if body["x"] <= now.timestamp():
        raise invalid_cursor("this cursor has expired")
    return Position(body["s"], tuple(body["v"])), body["q"]
