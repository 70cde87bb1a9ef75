"""Cursors are opaque and bound: nothing readable in them, the search never in a link, and a cursor that
is tampered with, expired, or used for another list, account, filter set or search is a 422 problem
naming `cursor`, never a 500."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import app.api.pagination as pagination
from app.api.pagination import MAX_CURSOR_LENGTH
from app.audit.enums import AuditAction, AuditOutcome
from app.audit.models import AuditEvent
from app.core.clock import utc_now
from tests.api.test_list_walks import follow
from tests.api.test_problems import assert_problem
from tests.support import factories as f
from tests.support.world import World

CARE_LEAVERS = "/v1/care-leavers"


def _bytes(cursor: str) -> bytes:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))


async def _next(client: httpx.AsyncClient, url: str, headers: dict[str, str], **params: str) -> str:
    page = (await client.get(url, params=params, headers=headers)).json()
    assert page["next_cursor"] is not None, page
    return str(page["next_cursor"])


def assert_refused(response: httpx.Response) -> None:
    body = assert_problem(response, 422, "request.invalid_cursor")
    assert [e["field"] for e in body["errors"]] == ["cursor"]


@pytest.fixture
async def namesakes(session: AsyncSession, world: World) -> None:
    for given in ("Owen", "Owen", "Mia"):
        await f.care_leaver(session, adviser=world.users["pa_a1"], given_name=given, family_name="Example")


@pytest.mark.usefixtures("namesakes")
async def test_a_cursor_holds_nothing_readable(client: httpx.AsyncClient, world: World) -> None:
    headers = world.headers("admin_city")
    page = (await client.get(CARE_LEAVERS, params={"limit": 4}, headers=headers)).json()
    last = page["items"][-1]
    raw = _bytes(page["next_cursor"])
    for readable in (last["family_name"], last["given_name"], last["id"], "family_name"):
        assert readable.encode() not in raw
    with pytest.raises((UnicodeDecodeError, json.JSONDecodeError)):
        json.loads(raw)
    assert last["family_name"] not in page["next"] and last["family_name"] not in page["next_cursor"]


@pytest.mark.usefixtures("namesakes")
async def test_the_search_never_travels_in_a_link(client: httpx.AsyncClient, world: World) -> None:
    headers = world.headers("admin_city")
    first = await client.get(CARE_LEAVERS, params={"q": "example", "limit": 1}, headers=headers)
    body = first.json()
    assert "example" not in body["next"].lower() and "example" not in first.headers["link"].lower()
    assert "q" not in parse_qs(urlsplit(body["next"]).query)
    # Followed as it is, the next page is still the search (three namesakes, one a page)...
    walked = await follow(client, f"{CARE_LEAVERS}?q=example&limit=1", headers)
    assert [p["family_name"] for p in walked] == ["Example"] * 3
    # ... and sending the same search with the cursor is fine; another search is not.
    same = await client.get(
        CARE_LEAVERS, params={"q": "example", "cursor": body["next_cursor"]}, headers=headers
    )
    assert same.status_code == 200
    assert same.json()["items"][0]["family_name"] == "Example"
    assert_refused(
        await client.get(CARE_LEAVERS, params={"q": "sample", "cursor": body["next_cursor"]}, headers=headers)
    )


@pytest.mark.usefixtures("namesakes")
async def test_a_tampered_cursor_is_refused(client: httpx.AsyncClient, world: World) -> None:
    headers = world.headers("admin_city")
    cursor = await _next(client, CARE_LEAVERS, headers, limit="1")
    raw = bytearray(_bytes(cursor))
    for at in (0, 1, len(raw) // 2, len(raw) - 1):
        changed = raw.copy()
        changed[at] ^= 0x01
        forged = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
        assert_refused(await client.get(CARE_LEAVERS, params={"cursor": forged}, headers=headers))
    for junk in (cursor[:-4], cursor + "A", cursor + "!", "", "A", "AQ", "*" * 40):
        assert_refused(await client.get(CARE_LEAVERS, params={"cursor": junk}, headers=headers))


async def test_a_crafted_readable_cursor_is_refused_not_a_500(
    client: httpx.AsyncClient, world: World
) -> None:
    # The cursors this service used to issue: base64 JSON of the sort values (an object where a time belongs).
    for values in ([{"a": 1}, "0190b5d2-0000-7000-8000-000000000000"], ["2026-01-01T00:00:00+00:00", "x"]):
        crafted = base64.urlsafe_b64encode(json.dumps({"s": "-occurred_at", "v": values}).encode()).decode()
        for url in ("/v1/audit-events", "/v1/me/access-log"):
            actor = "admin_city" if url == "/v1/audit-events" else "leaver_a1"
            assert_refused(await client.get(url, params={"cursor": crafted}, headers=world.headers(actor)))


@pytest.mark.usefixtures("namesakes")
async def test_a_cursor_works_only_for_its_list(client: httpx.AsyncClient, world: World) -> None:
    headers = world.headers("admin_city")
    cursor = await _next(client, CARE_LEAVERS, headers, limit="1")
    assert_refused(await client.get("/v1/advisers", params={"cursor": cursor}, headers=headers))
    assert_refused(await client.get("/v1/local-authorities", params={"cursor": cursor}))
    assert_refused(await client.get("/v1/contacts/overdue", params={"cursor": cursor}, headers=headers))


async def test_a_cursor_for_one_persons_log_does_not_open_anothers(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    for name in ("p_a1", "p_a3"):
        for _ in range(2):
            await f.contact(session, world.people[name], world.users["pa_a1"])
    headers = world.headers("pa_a1")
    mine = f"/v1/care-leavers/{world.id('p_a1')}/contacts"
    cursor = await _next(client, mine, headers, limit="1")
    assert (await client.get(mine, params={"cursor": cursor}, headers=headers)).status_code == 200
    other = f"/v1/care-leavers/{world.id('p_a3')}/contacts"
    assert_refused(await client.get(other, params={"cursor": cursor}, headers=headers))


@pytest.mark.usefixtures("namesakes")
async def test_a_cursor_works_only_for_the_account_it_was_given_to(
    client: httpx.AsyncClient, world: World
) -> None:
    cursor = await _next(client, CARE_LEAVERS, world.headers("pa_a1"), limit="1")
    ok = await client.get(CARE_LEAVERS, params={"cursor": cursor}, headers=world.headers("pa_a1"))
    assert ok.status_code == 200
    for colleague in ("pa_a2", "manager_a", "admin_city"):  # all of whom may read this list
        assert_refused(
            await client.get(CARE_LEAVERS, params={"cursor": cursor}, headers=world.headers(colleague))
        )


@pytest.mark.usefixtures("namesakes")
async def test_a_cursor_works_only_with_the_filters_it_was_given_for(
    client: httpx.AsyncClient, world: World
) -> None:
    headers = world.headers("admin_city")
    filters = {"adviser_id": str(world.users["pa_a1"].id), "district": f.CITY}
    page = (await client.get(CARE_LEAVERS, params={**filters, "limit": 1}, headers=headers)).json()
    cursor = page["next_cursor"]
    assert set(parse_qs(urlsplit(page["next"]).query)) == {"adviser_id", "district", "limit", "cursor"}
    again = await client.get(CARE_LEAVERS, params={**filters, "limit": 5, "cursor": cursor}, headers=headers)
    assert again.status_code == 200  # the page size may change
    for changed in (
        {},
        {"adviser_id": filters["adviser_id"]},
        {**filters, "adviser_id": str(world.users["pa_a2"].id)},
        {**filters, "include_closed": "true"},
    ):
        assert_refused(await client.get(CARE_LEAVERS, params={**changed, "cursor": cursor}, headers=headers))


@pytest.mark.usefixtures("namesakes")
async def test_a_cursor_expires_after_a_day(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = world.headers("admin_city")
    cursor = await _next(client, CARE_LEAVERS, headers, limit="1")
    issued = utc_now()
    monkeypatch.setattr(pagination, "utc_now", lambda: issued + timedelta(hours=23, minutes=59))
    assert (await client.get(CARE_LEAVERS, params={"cursor": cursor}, headers=headers)).status_code == 200
    monkeypatch.setattr(pagination, "utc_now", lambda: issued + timedelta(hours=25, seconds=1))
    assert_refused(await client.get(CARE_LEAVERS, params={"cursor": cursor}, headers=headers))


@pytest.mark.usefixtures("namesakes")
async def test_a_cursor_from_another_secret_key_is_refused(
    client: httpx.AsyncClient,
    world: World,
    client_with: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
) -> None:
    cursor = await _next(client, "/v1/local-authorities", {}, limit="1")
    async with client_with(secret_key=SecretStr("another-secret-key-of-at-least-32-characters")) as other:
        assert_refused(await other.get("/v1/local-authorities", params={"cursor": cursor}))


async def test_the_longest_names_and_search_fit_in_a_cursor(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    widest = "\U0001d504" * 100  # 100 characters of four bytes each, the longest a name may be
    for _ in range(2):
        await f.care_leaver(session, given_name=widest, family_name=widest)
    headers = world.headers("admin_city")
    page = (await client.get(CARE_LEAVERS, params={"q": widest, "limit": 1}, headers=headers)).json()
    assert len(page["next_cursor"]) <= MAX_CURSOR_LENGTH
    second = await client.get(page["next"], headers=headers)
    assert second.status_code == 200 and second.json()["next"] is None


async def test_the_audit_trail_walks_to_its_end(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    """Issue 10 item 1: seven events at one instant, three a page, used to give the same three forever."""
    la = world.users["admin_city"].local_authority_id
    at = utc_now()
    for n in range(7):
        session.add(
            AuditEvent(
                occurred_at=at,
                actor_kind="staff",
                action=AuditAction.READ,
                resource_type=f"thing {n}",
                local_authority_id=la,
                outcome=AuditOutcome.SUCCESS,
            )
        )
    await session.flush()
    before = select(AuditEvent.id).where(AuditEvent.local_authority_id == la)
    expected = {str(i) for i in (await session.execute(before)).scalars()}
    walked = await follow(client, "/v1/audit-events?limit=3", world.headers("admin_city"))
    ids = [e["id"] for e in walked]
    assert len(ids) == len(set(ids)) == len(expected) and set(ids) == expected
