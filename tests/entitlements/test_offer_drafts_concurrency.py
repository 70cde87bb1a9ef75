"""Two administrators changing the same draft at the same moment, against a real server and database.

The per-test transaction cannot show this (one connection, requests take turns), so these requests
race for real: on PostgreSQL each waits on the draft's row lock, on SQLite on the single writer.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx
import pytest

from tests.entitlements.test_offer_drafts_api import driving_lessons
from tests.support.factories import sign_in

pytestmark = pytest.mark.slow

CITY = "E06000018"
OFFER = f"/v1/local-authorities/{CITY}/offer"
DRAFT = f"{OFFER}/draft"


async def two_city_admins(client: httpx.AsyncClient) -> tuple[dict[str, str], dict[str, str]]:
    first = await sign_in(client, "admin@nottingham.demo", "demo")
    email, password = f"admin.{secrets.token_hex(4)}@race.example", secrets.token_urlsafe(18)
    created = await client.post(
        "/v1/users",
        headers=first,
        json={
            "email": email,
            "display_name": "Second city admin",
            "kind": "staff",
            "roles": ["la_admin"],
            "password": password,
        },
    )
    assert created.status_code == 201, created.text
    return first, await sign_in(client, email, password)


async def test_racing_changes_and_publications_apply_once(live_url: str) -> None:
    async with httpx.AsyncClient(base_url=live_url, timeout=60) as client:
        first, second = await two_city_admins(client)
        before = (await client.get(OFFER)).json()["version"]
        started = await client.post(DRAFT, json={"notes": "Raced"}, headers=first)
        assert started.status_code == 201, started.text
        etag = started.headers["etag"]

        # Six additions made against the same state of the draft: one lands, the others are told it changed.
        additions = await asyncio.gather(
            *(
                client.post(
                    f"{DRAFT}/entitlements",
                    json=driving_lessons(code=f"race-{i}"),
                    headers={**(first if i % 2 else second), "If-Match": etag},
                )
                for i in range(6)
            )
        )
        assert sorted(r.status_code for r in additions) == [201, 412, 412, 412, 412, 412]
        draft = await client.get(DRAFT, headers=first)
        assert len([e for e in draft.json()["entitlements"] if e["code"].startswith("race-")]) == 1

        # Both admins press publish several times at once.
        who = [first, second] * 4
        publications = await asyncio.gather(
            *(
                client.post(f"{DRAFT}/publication", headers={**h, "If-Match": draft.headers["etag"]})
                for h in who
            )
        )
        winners = [i for i, r in enumerate(publications) if r.status_code == 201]
        assert len(winners) == 1, [r.text for r in publications]
        winner = publications[winners[0]].json()
        assert winner["version"] == before + 1
        for i, response in enumerate(publications):
            body: dict[str, Any] = response.json()
            if i == winners[0]:
                continue
            if who[i] is who[winners[0]]:  # the same admin again: the version it became
                assert response.status_code == 200, response.text
                assert body == winner
            else:
                assert response.status_code == 409, response.text
                assert body["code"] == "offer.already_published" and body["version"] == winner["version"]

        offer = await client.get(OFFER)
        assert offer.json() == winner
        assert offer.headers["etag"] == publications[winners[0]].headers["etag"]
        events = await client.get("/v1/audit-events", params={"action": "publish"}, headers=first)
        assert [e["details"] for e in events.json()["items"]] == [{"version": winner["version"]}]
