"""The public offer from memory: the same answers as the routes, no query per poll, and a new version
shown at once by the app that published it and within RECHECK_SECONDS by any other sharing the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import Role
from app.core.clock import uk_today
from app.core.settings import Settings
from app.db.session import Database
from app.entitlements.published import RECHECK_SECONDS, REREAD_TIMEOUT_SECONDS, CurrentOffers
from app.main import create_app
from tests.support import factories as f
from tests.support.clock import ManualClock

CITY = f.CITY
OFFER = f"/v1/local-authorities/{CITY}/offer"
ENTITLEMENT = f"/v1/local-authorities/{CITY}/entitlements/setting-up-home-allowance"
DRAFT = f"{OFFER}/draft"


@pytest.fixture
async def city_admin(session: AsyncSession, settings: Settings) -> dict[str, str]:
    account = await f.user(session, Role.LA_ADMIN, gss=CITY)
    return f.bearer(await f.token_for(session, settings, account))


async def publish(client: httpx.AsyncClient, admin: dict[str, str], notes: str) -> httpx.Response:
    started = await client.post(DRAFT, json={"notes": notes}, headers=admin)
    assert started.status_code == 201, started.text
    published = await client.post(
        f"{DRAFT}/publication", headers={**admin, "If-Match": started.headers["etag"]}
    )
    assert published.status_code == 201, published.text
    return published


async def check_today(client: httpx.AsyncClient) -> httpx.Response:
    body = {"local_authority": CITY, "on": uk_today().isoformat(), "facts": {"date_of_birth": "2006-01-01"}}
    response = await client.post("/v1/eligibility/check", json=body)
    assert response.status_code == 200, response.text
    return response


def without_request_id(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k != "x-request-id"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"If-None-Match": "*"},
        {"If-None-Match": '"0123"'},
        {"If-Modified-Since": "Mon, 23 Nov 2026 00:00:00 GMT"},
        {"If-Modified-Since": "Sun, 22 Nov 2026 00:00:00 GMT"},
        {"If-Modified-Since": "yesterday"},
    ],
)
@pytest.mark.parametrize("path", [OFFER, ENTITLEMENT])
async def test_memory_answers_exactly_as_the_route_does_with_no_query(
    path: str, headers: dict[str, str], client: httpx.AsyncClient, count_queries: list[str]
) -> None:
    routed = await client.get(path, headers=headers)  # nothing remembered yet: the route reads the database
    assert count_queries, "the first read goes to the database"
    count_queries.clear()
    remembered = await client.get(path, headers=headers)
    assert count_queries == []
    assert remembered.status_code == routed.status_code
    assert remembered.content == routed.content
    assert without_request_id(remembered) == without_request_id(routed)
    assert len(remembered.headers["x-request-id"]) == 32


async def test_what_memory_cannot_answer_goes_to_the_routes(
    client: httpx.AsyncClient, count_queries: list[str]
) -> None:
    etag = (await client.get(OFFER)).headers["etag"]
    count_queries.clear()
    dated = await client.get(OFFER, params={"on": "2026-11-30"}, headers={"If-None-Match": etag})
    assert dated.status_code == 304 and count_queries  # a date asked: the version in force then
    unknown = await client.get(f"/v1/local-authorities/{CITY}/entitlements/no-such-thing")
    assert unknown.status_code == 404 and unknown.json()["code"] == "entitlement.not_found"
    too_long = await client.get(OFFER, headers={"If-None-Match": '"' + "x" * 2100 + '"'})
    assert too_long.status_code == 422 and too_long.json()["code"] == "request.validation_failed"
    not_a_council = await client.get("/v1/local-authorities/E99999999/offer")
    assert not_a_council.status_code == 404


async def test_a_publication_through_the_api_shows_at_once(
    client: httpx.AsyncClient, city_admin: dict[str, str], offers_clock: ManualClock
) -> None:
    before = await client.get(OFFER)
    entitlement_before = await client.get(ENTITLEMENT)
    assert (await client.get(OFFER, headers={"If-None-Match": before.headers["etag"]})).status_code == 304
    assert (await check_today(client)).json()["offer_version"] == 1  # today's version, remembered too

    published = await publish(client, city_admin, "Version two")
    assert (await check_today(client)).json()["offer_version"] == 2

    # The clock has not moved: the app that published forgot the old version when the commit succeeded.
    after = await client.get(OFFER, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["version"] == 2 and after.headers["etag"] == published.headers["etag"]
    entitlement_after = await client.get(
        ENTITLEMENT, headers={"If-None-Match": entitlement_before.headers["etag"]}
    )
    # The same definition in the new version: the same bytes and ETag, but dated by the new publication.
    assert entitlement_after.headers["last-modified"] == after.headers["last-modified"]
    assert entitlement_after.headers["last-modified"] != entitlement_before.headers["last-modified"]


async def test_a_refused_publication_forgets_nothing(
    client: httpx.AsyncClient, city_admin: dict[str, str], count_queries: list[str]
) -> None:
    await client.get(OFFER)
    started = await client.post(DRAFT, json={"notes": "Never published"}, headers=city_admin)
    refused = await client.post(f"{DRAFT}/publication", headers={**city_admin, "If-Match": '"1-stale"'})
    assert refused.status_code == 412
    count_queries.clear()
    assert (await client.get(OFFER)).json()["version"] == 1
    assert count_queries == []  # still remembered
    assert started.status_code == 201


@pytest.fixture
async def second_worker(
    settings: Settings, db: Database
) -> AsyncIterator[tuple[httpx.AsyncClient, ManualClock]]:
    """Another app on the same database, as a second uvicorn worker would be, with its own memory."""
    app = create_app(settings)
    app.state.db = db
    clock = ManualClock()
    app.state.current_offers.clock = clock
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, clock


async def test_another_app_on_the_database_shows_it_within_recheck_seconds(
    client: httpx.AsyncClient,
    city_admin: dict[str, str],
    second_worker: tuple[httpx.AsyncClient, ManualClock],
) -> None:
    other, clock = second_worker
    before = await other.get(OFFER)
    assert before.json()["version"] == 1

    published = await publish(client, city_admin, "Version two")  # through the first app

    # The second app read which version is current less than RECHECK_SECONDS ago: it may still say 1.
    clock.advance(RECHECK_SECONDS / 2)
    assert (await other.get(OFFER, headers={"If-None-Match": before.headers["etag"]})).status_code == 304
    clock.advance(RECHECK_SECONDS / 2)
    after = await other.get(OFFER, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["version"] == 2 and after.headers["etag"] == published.headers["etag"]
    check = await other.post(
        "/v1/eligibility/check",
        json={"local_authority": CITY, "facts": {"date_of_birth": "2006-01-01"}},
    )
    assert check.status_code == 200 and check.json()["offer_version"] == 2


def test_a_read_that_began_before_a_publication_is_not_remembered() -> None:
    clock = ManualClock()
    offers = CurrentOffers(clock=clock)
    stale = SimpleNamespace(pointer=SimpleNamespace(gss_code=CITY))  # what a read begun before found
    generation, read_at = offers.generation, clock()
    offers.forget(CITY)  # the publication commits while that read is under way
    offers.remember(stale, generation=generation, read_at=read_at)  # type: ignore[arg-type]
    assert offers.answerable(CITY) is None


def test_once_stale_one_request_reads_again_while_the_others_are_answered_from_memory() -> None:
    clock = ManualClock()
    offers = CurrentOffers(clock=clock)
    v1 = SimpleNamespace(pointer=SimpleNamespace(gss_code=CITY))
    offers.remember(v1, generation=offers.generation, read_at=clock())  # type: ignore[arg-type]
    clock.advance(RECHECK_SECONDS)
    assert offers.answerable(CITY) is None  # stale, and nobody is reading it again
    assert offers.answerable_or_reread(CITY) is None  # so this request does
    assert offers.answerable(CITY) is v1 and offers.answerable_or_reread(CITY) is v1  # the rest wait for it
    clock.advance(REREAD_TIMEOUT_SECONDS)
    assert offers.answerable(CITY) is None  # that request never came back: the next one tries
    v2 = SimpleNamespace(pointer=SimpleNamespace(gss_code=CITY))
    offers.remember(v2, generation=offers.generation, read_at=clock())  # type: ignore[arg-type]
    assert offers.answerable(CITY) is v2
