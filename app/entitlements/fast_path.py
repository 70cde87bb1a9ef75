"""The public offer answered from memory, before routing: the most polled reads, for the price of a lookup.

`GET /v1/local-authorities/{gss_code}/offer` and `.../entitlements/{code}`, with no query string, for a
council whose current version this app knows (`CurrentOffers`, fresh for a second) are answered here
with the bytes, ETag and 304 the routes would give (`Prepared.answer`, the one conditional rule), and
the route template in the access log. Anything else (a date asked, an unknown council or code, a
stale memory, a header the route would refuse) goes on to the routes, which read the database, answer,
and refresh the memory. Routing, dependency solving and the unit of work cost ten times the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.conditional import Prepared
from app.entitlements.published import CurrentOffers

_PREFIX = "/v1/local-authorities/"
_OFFER = "/offer"
_ENTITLEMENTS = "/entitlements/"
# What the routes accept in these headers (app.api.conditional): longer ones go on to be refused there.
_MAX_IF_NONE_MATCH = 2048
_MAX_IF_MODIFIED_SINCE = 64


@dataclass(frozen=True, slots=True)
class RouteTemplate:
    """What the access log reads of a route (its `path`), for an answer given before routing."""

    path: str


OFFER_ROUTE = RouteTemplate("/v1/local-authorities/{gss_code}/offer")
ENTITLEMENT_ROUTE = RouteTemplate("/v1/local-authorities/{gss_code}/entitlements/{code}")


def current_offers(request: Request) -> CurrentOffers:
    """The app's memory of each council's current version (app.main makes it, and this middleware)."""
    offers: CurrentOffers = request.app.state.current_offers
    return offers


class PublishedOfferMiddleware:
    def __init__(self, app: ASGIApp, offers: CurrentOffers) -> None:
        self.app = app
        self.offers = offers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._lookup(scope) if scope["type"] == "http" and scope["method"] == "GET" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        prepared, route = found
        if_none_match = if_modified_since = None
        for name, value in scope["headers"]:
            if name == b"if-none-match" and if_none_match is None:
                if_none_match = value.decode("latin-1")
            elif name == b"if-modified-since" and if_modified_since is None:
                if_modified_since = value.decode("latin-1")
        if (if_none_match is not None and len(if_none_match) > _MAX_IF_NONE_MATCH) or (
            if_modified_since is not None and len(if_modified_since) > _MAX_IF_MODIFIED_SINCE
        ):
            await self.app(scope, receive, send)
            return
        scope["route"] = route
        status, headers, body = prepared.answer(if_none_match, if_modified_since)
        await send({"type": "http.response.start", "status": status, "headers": list(headers)})
        await send({"type": "http.response.body", "body": body})

    def _lookup(self, scope: Scope) -> tuple[Prepared, RouteTemplate] | None:
        path: str = scope["path"]
        if scope["query_string"] or not path.startswith(_PREFIX):
            return None
        gss_code, _, rest = path[len(_PREFIX) :].partition("/")
        rest = "/" + rest
        if rest == _OFFER:
            offer = self.offers.answerable(gss_code)
            return None if offer is None else (offer.document, OFFER_ROUTE)
        if rest.startswith(_ENTITLEMENTS):
            offer = self.offers.answerable(gss_code)
            entitlement = None if offer is None else offer.entitlements.get(rest[len(_ENTITLEMENTS) :])
            return None if entitlement is None else (entitlement, ENTITLEMENT_ROUTE)
        return None
