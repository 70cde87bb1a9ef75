"""A scripted offline client works through one day, as the Notts Next Steps app would.

Full sync; offline, the young person comments on their plan and marks their action done; meanwhile
their adviser records progress on the same action and drops another. Back online the app pushes: the
comment is applied, the action is a conflict carrying the adviser's version (nothing overwritten), and
the next pull brings a tombstone for the dropped action. Replaying the push changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utc_now
from app.pathway_plans.models import ActionUpdate, PlanComment
from app.sync import service as sync
from app.sync.models import SyncItem
from tests.pathway_plans.support import authorised_plan
from tests.support.world import World


class OfflineApp:
    """What a phone keeps: items by (type, id), and the cursor of its last sync."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.cursor: str | None = None
        self.outbox: list[dict[str, Any]] = []
        self.last: dict[str, Any] = {}

    async def pull(self) -> list[dict[str, Any]]:
        """Sync until nothing more waits; returns every item received."""
        received: list[dict[str, Any]] = []
        while True:
            params = {} if self.cursor is None else {"cursor": self.cursor}
            response = await self.client.get("/v1/me/sync", params=params, headers=self.headers)
            assert response.status_code == 200, response.text
            self.last = page = response.json()
            for item in page["items"]:
                key = (item["type"], item["id"])
                if item["deleted"]:
                    self.items.pop(key, None)
                else:
                    self.items[key] = item
            received += page["items"]
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return received

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [item for (t, _), item in self.items.items() if t == kind]

    def queue(self, change: dict[str, Any]) -> None:
        self.outbox.append({"id": str(uuid.uuid4()), **change})

    async def push(self, changes: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        body = {"changes": changes if changes is not None else self.outbox}
        response = await self.client.post("/v1/me/sync", json=body, headers=self.headers)
        assert response.status_code == 200, response.text
        return list(response.json()["results"])


async def _count(session: AsyncSession, model: type, plan_id: str) -> int:
    column = model.plan_id  # type: ignore[attr-defined]
    return int(
        await session.scalar(select(func.count()).select_from(model).where(column == uuid.UUID(plan_id))) or 0
    )


async def test_one_offline_day(client: httpx.AsyncClient, world: World, session: AsyncSession) -> None:
    pa = world.headers("pa_a1")
    plan = await authorised_plan(client, world.id("p_a1"), pa, world.headers("manager_a"))
    app = OfflineApp(client, world.headers("leaver_a1"))

    # Morning: the full sync has everything the app shows.
    await app.pull()
    assert app.last["snapshot"] is True
    kinds = {t for t, _ in app.items}
    assert {"profile", "entitlement", "pathway_plan", "plan_action", "adviser", "contact", "offer"} <= kinds
    assert app.items[("pathway_plan", plan["id"])]["data"]["version"] == plan["version"]
    actions = {a["data"]["what"]: a for a in app.of_type("plan_action")}
    mine = next(a for a in actions.values() if a["data"]["yours"])
    other = next(a for a in actions.values() if not a["data"]["yours"])
    assert app.items[("offer", "E06000018")]["data"]["local_authority"]["gss_code"] == "E06000018"

    # Offline: a comment, and their own action marked done (made against the version the phone has).
    app.queue(
        {
            "type": "plan_comment",
            "plan_id": plan["id"],
            "data": {"section": "accommodation", "body": "I viewed the flat. I liked it."},
        }
    )
    app.queue(
        {
            "type": "action_progress",
            "plan_id": plan["id"],
            "base_version": mine["version"],
            "data": {"action_id": mine["id"], "status": "done"},
        }
    )
    # Meanwhile the adviser records progress on the same action, and drops another.
    url = f"/v1/pathway-plans/{plan['id']}/action-progress"
    progress = {"action_id": mine["id"], "status": "in_progress", "note": "Viewing booked for Friday"}
    assert (await client.post(url, json=progress, headers=pa)).status_code == 201
    dropped = {"action_id": other["id"], "status": "dropped", "note": "No longer needed"}
    assert (await client.post(url, json=dropped, headers=pa)).status_code == 201

    # Back online: one applied, one conflict carrying the adviser's version.
    results = await app.push()
    assert [r["status"] for r in results] == ["applied", "conflict"]
    assert results[0]["item"]["type"] == "pathway_plan"
    current = results[1]["current"]
    assert (current["type"], current["id"]) == ("plan_action", mine["id"])
    assert current["data"]["status"] == "in_progress"  # the adviser's; the phone's "done" was not written
    assert current["version"] != mine["version"]
    updates_after_push = await _count(session, ActionUpdate, plan["id"])
    assert updates_after_push == 2  # the adviser's two; nothing from the conflicting change

    # The next pull: the dropped action as a tombstone, the adviser's progress, the comment in the plan.
    received = await app.pull()
    assert {"type": "plan_action", "id": other["id"], "deleted": True} in received
    assert ("plan_action", other["id"]) not in app.items
    assert app.items[("plan_action", mine["id"])]["data"]["status"] == "in_progress"
    comments = app.items[("pathway_plan", plan["id"])]["data"]["sections"][0]["your_comments"]
    assert [c["body"] for c in comments] == ["I viewed the flat. I liked it."]

    # The same push again changes nothing: the comment is a duplicate, the action still a conflict.
    replay = await app.push()
    assert [r["status"] for r in replay] == ["duplicate", "conflict"]
    assert replay[0]["item"]["id"] == plan["id"]
    assert await _count(session, PlanComment, plan["id"]) == 1
    assert await _count(session, ActionUpdate, plan["id"]) == updates_after_push

    # The young person chooses: sent again against the adviser's version, their "done" is applied.
    app.outbox[1]["base_version"] = app.items[("plan_action", mine["id"])]["version"]
    resolved = await app.push([app.outbox[1]])
    assert resolved[0]["status"] == "applied"
    assert resolved[0]["item"]["version"] != current["version"]
    await app.pull()
    assert app.items[("plan_action", mine["id"])]["data"]["status"] == "done"


async def test_nothing_changed_is_an_empty_answer_and_a_304(client: httpx.AsyncClient, world: World) -> None:
    app = OfflineApp(client, world.headers("leaver_a1"))
    await app.pull()
    cursor = app.cursor
    again = await client.get("/v1/me/sync", params={"cursor": cursor}, headers=app.headers)
    assert again.status_code == 200
    assert again.json() == {"cursor": cursor, "snapshot": False, "has_more": False, "items": []}
    assert "private" in again.headers["cache-control"]
    etag = again.headers["etag"]
    unchanged = await client.get(
        "/v1/me/sync", params={"cursor": cursor}, headers={**app.headers, "If-None-Match": etag}
    )
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    # A change to what they see (their adviser logs a contact) makes the same request answer again.
    contact = {
        "occurred_at": (utc_now() - timedelta(hours=1)).isoformat(),
        "method": "phone",
        "initiated_by": "staff",
        "outcome": "spoken",
        "purpose": "Catch-up",
        "summary": "Talked about the flat.",
    }
    logged = await client.post(
        f"/v1/care-leavers/{world.id('p_a1')}/contacts", json=contact, headers=world.headers("pa_a1")
    )
    assert logged.status_code == 201, logged.text
    changed = await client.get(
        "/v1/me/sync", params={"cursor": cursor}, headers={**app.headers, "If-None-Match": etag}
    )
    assert changed.status_code == 200
    items = {(i["type"], i["id"]): i for i in changed.json()["items"]}
    # The contact, and their record's summary (it shows when they were last in touch); nothing else.
    assert set(items) == {("contact", logged.json()["id"]), ("profile", str(world.id("p_a1")))}
    assert items[("profile", str(world.id("p_a1")))]["data"]["last_contact_at"] is not None


async def test_withdrawn_consent_arrives_as_a_tombstone(client: httpx.AsyncClient, world: World) -> None:
    person, pa = world.id("p_a1"), world.headers("pa_a1")
    given = await client.post(
        f"/v1/care-leavers/{person}/consents", json={"recipient": "district_council"}, headers=pa
    )
    assert given.status_code == 201, given.text
    app = OfflineApp(client, world.headers("leaver_a1"))
    await app.pull()
    [consent] = app.of_type("consent")
    assert consent["data"]["recipient"] == "district_council"
    withdrawn = await client.delete(f"/v1/care-leavers/{person}/consents/district_council", headers=pa)
    assert withdrawn.status_code == 204
    received = await app.pull()
    assert {"type": "consent", "id": consent["id"], "deleted": True} in received
    assert app.of_type("consent") == []


async def test_notifications_arrive_and_their_reading_syncs(client: httpx.AsyncClient, world: World) -> None:
    app = OfflineApp(client, world.headers("leaver_a1"))
    await app.pull()
    assert app.of_type("notification") == []
    allocated = await client.post(
        f"/v1/care-leavers/{world.id('p_a1')}/adviser-allocations",
        json={
            "adviser_id": str(world.users["pa_a2"].id),
            "started_on": (utc_now() + timedelta(days=2)).date().isoformat(),
        },
        headers=world.headers("manager_a"),
    )
    assert allocated.status_code == 201, allocated.text
    await app.pull()
    [notice] = app.of_type("notification")
    assert notice["data"]["kind"] == "adviser_changed" and notice["data"]["read_at"] is None
    # Read on another phone (or online): the next sync says so (the reading is written without the ORM).
    read = await client.post(f"/v1/me/notifications/{notice['id']}/read", headers=app.headers)
    assert read.status_code == 200, read.text
    received = await app.pull()
    assert [(i["type"], i["id"]) for i in received] == [("notification", notice["id"])]
    assert app.items[("notification", notice["id"])]["data"]["read_at"] is not None


async def test_a_small_page_walks_every_item_once(client: httpx.AsyncClient, world: World) -> None:
    whole = OfflineApp(client, world.headers("leaver_a1"))
    await whole.pull()
    paged = OfflineApp(client, world.headers("leaver_a1"))
    pages = 0
    while True:
        params = {"limit": 2} if paged.cursor is None else {"limit": 2, "cursor": paged.cursor}
        page = (await client.get("/v1/me/sync", params=params, headers=paged.headers)).json()
        pages += 1
        for entry in page["items"]:
            assert (entry["type"], entry["id"]) not in paged.items
            paged.items[(entry["type"], entry["id"])] = entry
        paged.cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert pages > 2
    assert paged.items == whole.items


async def test_an_old_or_foreign_cursor_answers_410(client: httpx.AsyncClient, world: World) -> None:
    app = OfflineApp(client, world.headers("leaver_a1"))
    await app.pull()
    ahead = await client.get("/v1/me/sync", params={"cursor": "czE6OTk5OTk5"}, headers=app.headers)
    assert (ahead.status_code, ahead.json()["code"]) == (410, "sync.cursor_expired")
    junk = await client.get("/v1/me/sync", params={"cursor": "not-a-cursor"}, headers=app.headers)
    assert (junk.status_code, junk.json()["code"]) == (422, "sync.invalid_cursor")


async def test_after_pruning_a_cursor_from_before_a_forgotten_tombstone_answers_410(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    person, pa = world.id("p_a1"), world.headers("pa_a1")
    given = await client.post(
        f"/v1/care-leavers/{person}/consents", json={"recipient": "district_council"}, headers=pa
    )
    assert given.status_code == 201, given.text
    app = OfflineApp(client, world.headers("leaver_a1"))
    await app.pull()
    old_cursor = app.cursor
    await client.delete(f"/v1/care-leavers/{person}/consents/district_council", headers=pa)
    await app.pull()  # the tombstone is made, and this phone has it
    # 31 days on, the tombstone is forgotten: a phone that never came back must start again.
    await session.execute(
        update(SyncItem).where(SyncItem.deleted.is_(True)).values(changed_at=utc_now() - timedelta(days=31))
    )
    assert await sync.prune(session, utc_now()) >= 1
    stale = await client.get("/v1/me/sync", params={"cursor": old_cursor}, headers=app.headers)
    assert (stale.status_code, stale.json()["code"]) == (410, "sync.cursor_expired")
    current = await client.get("/v1/me/sync", params={"cursor": app.cursor}, headers=app.headers)
    assert current.status_code == 200 and current.json()["items"] == []
    again = await client.get("/v1/me/sync", headers=app.headers)  # the documented way back
    assert again.status_code == 200 and again.json()["snapshot"] is True


async def test_an_id_reused_for_another_change_is_refused_in_its_result(
    client: httpx.AsyncClient, world: World
) -> None:
    app = OfflineApp(client, world.headers("leaver_a1"))
    window = {
        "window_starts_at": (utc_now() + timedelta(hours=1)).isoformat(),
        "window_ends_at": (utc_now() + timedelta(hours=3)).isoformat(),
    }
    change = {"id": str(uuid.uuid4()), "type": "call_back_request", "data": window}
    assert [r["status"] for r in await app.push([change])] == ["applied"]
    other = {**change, "data": {**window, "message": "Something else"}}
    [refused] = await app.push([other])
    assert refused["status"] == "rejected"
    assert (refused["problem"]["status"], refused["problem"]["code"]) == (422, "sync.change_id_reused")
