"""A young person pressing "ask for an adviser" several times at once opens one request, not several.

Against a real server and database: the per-test transaction would make the requests take turns."""

from __future__ import annotations

import asyncio
import secrets
from datetime import date

import httpx
import pytest

from app.core.clock import uk_today
from tests.entitlements.test_offer_drafts_concurrency import sign_in

pytestmark = pytest.mark.slow


async def test_racing_requests_open_one(live_url: str) -> None:
    async with httpx.AsyncClient(base_url=live_url, timeout=60) as client:
        admin = await sign_in(client, "admin@nottingham.demo", "demo")
        today = uk_today()
        born = date(today.year - 22, 1, 15)
        created = await client.post(
            "/v1/care-leavers",
            json={
                "case_reference": f"RACE-{secrets.token_hex(4)}",
                "given_name": "Racing",
                "family_name": "Requests",
                "date_of_birth": born.isoformat(),
            },
            headers=admin,
        )
        assert created.status_code == 201, created.text
        person = created.json()["id"]
        email, password = f"race.{secrets.token_hex(4)}@example.demo", secrets.token_urlsafe(18)
        account = await client.post(
            f"/v1/care-leavers/{person}/account", json={"email": email}, headers=admin
        )
        assert account.status_code == 201, account.text
        code = account.json()["invitation"]["code"]
        redeemed = await client.post("/v1/auth/invitation", json={"code": code, "password": password})
        assert redeemed.status_code == 200, redeemed.text
        leaver = await sign_in(client, email, password)

        responses = await asyncio.gather(
            *(
                client.post("/v1/me/support-requests", json={"message": f"try {i}"}, headers=leaver)
                for i in range(6)
            )
        )
        assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 200, 201], [
            r.text for r in responses
        ]
        assert len({r.json()["id"] for r in responses}) == 1
        queue = await client.get("/v1/support-requests", params={"limit": "100"}, headers=admin)
        mine = [r for r in queue.json()["items"] if r["care_leaver_id"] == person]
        assert len(mine) == 1
