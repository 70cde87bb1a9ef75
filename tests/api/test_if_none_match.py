"""Every `GET /v1/me/...` revalidates (app/api/conditional.py `PrivateRead`): the offline app sends the ETag
it holds in `If-None-Match` and gets 304 with no body while nothing changed, and the new answer, with a new
ETag, as soon as something did. The answers are someone's own data: `private, no-cache` (no shared cache
keeps them) and `Vary: Authorization` (no cache hands one person's answer to another).

The table names, for each read, who reads it, someone else who may read the same URL, and a change (an
operation of the access matrix, as someone allowed to make it) after which that reader's answer differs. A
`GET /v1/me/...` the app serves without an entry here fails `test_every_read_of_my_own_data_is_in_the_table`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.api import pagination
from app.audit.models import AuditEvent
from app.auth.enums import Role
from app.core.settings import Settings
from app.pathway_plans.views import etag as plan_version_etag
from tests.architecture.test_access_matrix import ENTRIES, matrix_world
from tests.support import factories as f
from tests.support.routes import api_routes
from tests.support.world import World


@dataclass(frozen=True)
class Change:
    operation: str  # an operation of the access matrix, sent as the matrix sends it
    actor: str
    body: dict[str, Any] | None = None  # instead of the matrix's body


@dataclass(frozen=True)
class Read:
    reader: str
    other: str  # someone else who may send the same request
    change: Change
    # Made first when comparing the two people's answers, so that they differ (not a 404, nor two empty lists).
    so_they_differ: Change | None = None


READS: dict[str, Read] = {
    "GET /v1/me": Read(
        "pa_a1", "pa_a2", Change("PATCH /v1/users/{user_id}", "admin_city", {"display_name": "P A"})
    ),
    "GET /v1/me/entitlements": Read(
        "leaver_a1",
        "leaver_a2",
        Change("DELETE /v1/care-leavers/{care_leaver_id}/care-episodes/{episode_id}", "pa_a1"),
    ),
    "GET /v1/me/caseload": Read("pa_a1", "pa_a2", Change("POST /v1/me/contact-requests", "leaver_a1")),
    "GET /v1/me/adviser": Read(
        "leaver_a1",
        "leaver_a2",
        Change("PATCH /v1/users/{user_id}", "admin_city", {"phone": "0115 496 0199"}),
    ),
    "GET /v1/me/contacts": Read(
        "leaver_a1", "leaver_a2", Change("POST /v1/care-leavers/{care_leaver_id}/contacts", "pa_a1")
    ),
    "GET /v1/me/contact-requests": Read(
        "leaver_a1", "leaver_a2", Change("POST /v1/me/contact-requests", "leaver_a1")
    ),
    "GET /v1/me/pathway-plan": Read(
        "leaver_a1",
        "leaver_a2",
        Change("POST /v1/pathway-plans/{plan_id}/action-progress", "pa_a1"),
        so_they_differ=Change("POST /v1/pathway-plans/{plan_id}/authorise", "manager_a"),  # p_a2's plan
    ),
    "GET /v1/me/claims": Read("leaver_a1", "leaver_a2", Change("POST /v1/me/claims", "leaver_a1")),
    "GET /v1/me/balances": Read(
        "leaver_a1", "leaver_a2", Change("POST /v1/claims/{claim_id}/payments", "manager_a")
    ),
    "GET /v1/me/status-letters": Read(
        "leaver_a1", "leaver_a2", Change("POST /v1/me/status-letters", "leaver_a1")
    ),
    "GET /v1/me/council-tax": Read(
        "leaver_ash",
        "leaver_a1",
        Change("PUT /v1/council-tax-exemptions/{care_leaver_id}/confirmation", "partner_ash"),
        so_they_differ=Change("PUT /v1/council-tax-exemptions/{care_leaver_id}/confirmation", "partner_ash"),
    ),
    "GET /v1/me/devices": Read(
        "leaver_a1",
        "leaver_a2",
        Change("POST /v1/me/devices", "leaver_a1"),
        so_they_differ=Change("POST /v1/me/devices", "leaver_a1"),
    ),
    "GET /v1/me/notifications": Read(
        "leaver_a1",
        "leaver_a2",
        Change("POST /v1/care-leavers/{care_leaver_id}/adviser-allocations", "manager_a"),
    ),
    "GET /v1/me/access-log": Read(
        "leaver_a1",
        "leaver_a2",
        Change("GET /v1/care-leavers/{care_leaver_id}", "pa_a1"),
        so_they_differ=Change("GET /v1/care-leavers/{care_leaver_id}", "pa_a1"),
    ),
}


def test_every_read_of_my_own_data_is_in_the_table(app: FastAPI) -> None:
    served = {
        f"GET {route.path_format}"
        for route in api_routes(app)
        if "GET" in route.methods and route.path_format.startswith("/v1/me")
    }
    # The sync's ETag names its position in the change sequence, known before any body is built (and one
    # per encoding, as it gzips): tests/sync proves its 304.
    served.discard("GET /v1/me/sync")
    assert served == set(READS), f"add to READS (and answer with PrivateRead): {sorted(served - set(READS))}"


@pytest.fixture(autouse=True)
def one_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A list page's cursor is sealed with an expiry rounded to the hour: held still, so a page cannot
    change between two requests because the test crossed an hour."""
    at = datetime.now(UTC)
    monkeypatch.setattr(pagination, "utc_now", lambda: at)


@pytest.fixture
async def world(session: AsyncSession, settings: Settings) -> World:
    """The access matrix's world, and an app account for q_ash (Ashfield's council-tax list)."""
    w = await matrix_world(session, settings)
    w.users["leaver_ash"] = await f.user(
        session, Role.CARE_LEAVER, gss=f.COUNTY, care_leaver=w.people["q_ash"]
    )
    w.tokens["leaver_ash"] = await f.token_for(session, settings, w.users["leaver_ash"])
    return w


def _path(operation: str, world: World) -> str:
    return ENTRIES[operation].path(world)


async def _get(
    client: httpx.AsyncClient, world: World, operation: str, actor: str, **headers: str
) -> httpx.Response:
    response = await client.get(_path(operation, world), headers={**world.headers(actor), **headers})
    assert response.status_code in (200, 304), (operation, actor, response.text)
    return response


async def _make(client: httpx.AsyncClient, world: World, change: Change) -> None:
    entry = ENTRIES[change.operation]
    method = change.operation.split(" ", 1)[0]
    response = await client.request(
        method,
        entry.path(world),
        headers={
            **world.headers(change.actor),
            **(entry.headers(world, change.actor) if entry.headers else {}),
        },
        json=change.body
        if change.body is not None
        else entry.body(world, change.actor)
        if entry.body
        else None,
        params=entry.query,
    )
    assert response.status_code < 300, (change, response.text)


def _assert_private(response: httpx.Response, operation: str) -> None:
    assert response.headers["cache-control"] == "private, no-cache", operation
    assert response.headers["vary"] == "Authorization", operation


@pytest.mark.parametrize("operation", sorted(READS))
async def test_an_unchanged_answer_is_304_with_no_body(
    operation: str, world: World, client: httpx.AsyncClient
) -> None:
    reader = READS[operation].reader
    first = await _get(client, world, operation, reader)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag == '"' + hashlib.sha256(first.content).hexdigest()[:32] + '"', "a hash of the exact body"
    _assert_private(first, operation)

    for sent in (etag, f"W/{etag}", f'"someone-else", {etag}', "*"):
        again = await _get(client, world, operation, reader, **{"If-None-Match": sent})
        assert again.status_code == 304, (operation, sent)
        assert again.content == b"", operation
        assert again.headers["etag"] == etag, operation
        assert "content-length" not in again.headers or again.headers["content-length"] == "0"
        _assert_private(again, operation)

    other = await _get(client, world, operation, reader, **{"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200 and other.content == first.content, operation


@pytest.mark.parametrize("operation", sorted(READS))
async def test_after_a_change_the_old_etag_gets_the_new_answer(
    operation: str, world: World, client: httpx.AsyncClient
) -> None:
    read = READS[operation]
    before = await _get(client, world, operation, read.reader)
    await _make(client, world, read.change)
    after = await _get(client, world, operation, read.reader, **{"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200, operation
    assert after.content != before.content, operation
    assert after.headers["etag"] not in (before.headers["etag"], None), operation
    again = await _get(client, world, operation, read.reader, **{"If-None-Match": after.headers["etag"]})
    assert again.status_code == 304, operation


@pytest.mark.parametrize("operation", sorted(READS))
async def test_nobody_is_given_someone_elses_answer(
    operation: str, world: World, client: httpx.AsyncClient
) -> None:
    """Another person sending the first one's ETag to the same URL gets their own answer. (Were their own
    answer those very bytes, a 304 would be right: what they hold would be theirs; the table avoids it.)"""
    read = READS[operation]
    if read.so_they_differ is not None:
        await _make(client, world, read.so_they_differ)
    mine = await _get(client, world, operation, read.reader)
    theirs = await _get(client, world, operation, read.other)
    sent = await _get(client, world, operation, read.other, **{"If-None-Match": mine.headers["etag"]})
    _assert_private(sent, operation)
    assert theirs.content != mine.content, "arrange two different answers (so_they_differ)"
    assert theirs.headers["etag"] != mine.headers["etag"], operation
    assert sent.status_code == 200 and sent.content == theirs.content, operation


async def test_the_etag_of_a_list_covers_its_page(world: World, client: httpx.AsyncClient) -> None:
    await _make(client, world, Change("POST /v1/me/claims", "leaver_a1"))  # two claims or more
    headers = world.headers("leaver_a1")
    first = await client.get("/v1/me/claims", params={"limit": 1}, headers=headers)
    second = await client.get(first.json()["next"], headers=headers)
    assert first.headers["link"] == f'<{first.json()["next"]}>; rel="next"', "a page's Link header stays"
    assert first.headers["etag"] != second.headers["etag"]
    for page, url in ((first, "/v1/me/claims?limit=1"), (second, first.json()["next"])):
        again = await client.get(url, headers={**headers, "If-None-Match": page.headers["etag"]})
        assert again.status_code == 304
    other_page = await client.get(
        first.json()["next"], headers={**headers, "If-None-Match": first.headers["etag"]}
    )
    assert other_page.status_code == 200 and other_page.content == second.content


async def test_an_unchanged_pathway_plan_is_304_until_the_next_version_is_agreed(
    world: World, client: httpx.AsyncClient
) -> None:
    """The plan the young person sees is the version their manager authorised: their PA's edits to the
    review draft change nothing there until it is authorised; then the old ETag gets version 2."""
    me = world.headers("leaver_a1")
    first = await client.get("/v1/me/pathway-plan", headers=me)
    assert first.status_code == 200 and first.json()["version"] == 1
    etag = first.headers["etag"]
    assert (await client.get("/v1/me/pathway-plan", headers={**me, "If-None-Match": etag})).status_code == 304

    draft = world.plans["p_a1_review"]
    edited = await client.patch(
        f"/v1/pathway-plans/{draft.id}",
        json={"contingency_plan": "If the flat falls through, stay with Jess for a month."},
        headers={**world.headers("pa_a1"), "If-Match": plan_version_etag(draft)},
    )
    assert edited.status_code == 200, edited.text
    assert (await client.get("/v1/me/pathway-plan", headers={**me, "If-None-Match": etag})).status_code == 304
    submitted = await client.post(
        f"/v1/pathway-plans/{draft.id}/submit",
        headers={**world.headers("pa_a1"), "If-Match": edited.headers["etag"]},
    )
    assert submitted.status_code == 200, submitted.text
    authorised = await client.post(
        f"/v1/pathway-plans/{draft.id}/authorise",
        headers={**world.headers("manager_a"), "If-Match": submitted.headers["etag"]},
    )
    assert authorised.status_code == 200, authorised.text

    now = await client.get("/v1/me/pathway-plan", headers={**me, "If-None-Match": etag})
    assert now.status_code == 200
    assert now.json()["version"] == 2
    assert now.json()["if_things_go_wrong"] == "If the flat falls through, stay with Jess for a month."
    assert now.headers["etag"] != etag


async def test_a_304_leaves_the_same_audit_event_as_a_200(
    world: World, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Answering 304 still read the plan (the body is built, then hashed): the read is recorded all the same."""
    me = world.headers("leaver_a1")

    async def reads() -> int:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.resource_type == "pathway_plan")
        return int((await session.execute(query)).scalar_one())

    start = await reads()
    first = await client.get("/v1/me/pathway-plan", headers=me)
    after_200 = await reads()
    again = await client.get("/v1/me/pathway-plan", headers={**me, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert after_200 - start == 1
    assert await reads() - after_200 == 1
