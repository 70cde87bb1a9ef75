"""The demo data set shows the contact log working: people overdue, attempts only, an open call-back."""

from __future__ import annotations

import httpx

from app.core.settings import Settings
from app.db.session import Database
from app.demo.ids import demo_id
from app.demo.loader import load_demo_data
from tests.support.factories import sign_in
from tests.support.types import ClientWith


async def overdue(client: httpx.AsyncClient, email: str) -> list[tuple[str, int]]:
    headers = await sign_in(client, email)
    body = (await client.get("/v1/contacts/overdue", params={"limit": "100"}, headers=headers)).json()
    return [(item["care_leaver"]["display_name"], item["days_overdue"]) for item in body["items"]]


async def test_the_demo_has_overdue_people_attempts_only_and_an_open_call_back(
    db: Database, settings: Settings, client_with: ClientWith
) -> None:
    await load_demo_data(db, settings.model_copy(update={"demo": True}))
    async with client_with(demo=True) as client:
        # Ben, phoned 70 days ago; Leah, seen 100 days ago and only tried since (every 8 weeks in the city).
        # The demo's other young people with a duty to keep in touch were never reached: overdue counted
        # from their allocation (200 days ago), not from when the demo loaded; Ellis only by attempts.
        seen = [("Leah Trial", 44), ("Ben Sample", 14)]
        never = [("Ruby Mockley", 144), ("Ellis Mockley", 144), ("Owen Example", 144), ("Wes Sample", 144)]
        assert await overdue(client, "pa1@nottingham.demo") == [*never, ("Ellis Specimen", 65), *seen]
        # The manager also sees Owen Specimen, whom nobody is allocated to, and those with no adviser who
        # were never reached, counted from when their duty began.
        assert await overdue(client, "manager@nottingham.demo") == [
            ("Fern Specimen", 644),
            ("Zara Demo", 260),
            *never,
            ("Ellis Specimen", 65),
            ("Leah Trial", 44),
            ("Owen Specimen", 24),
            ("Ben Sample", 14),
        ]
        # Jade, 24, last spoken to 400 days ago (21Plus: once a year); Uma, 19, seen 90 days ago. Ruby turned
        # 21 after her last visit, so the yearly contact applies to her and she is not overdue.
        assert await overdue(client, "admin@notts.demo") == [
            ("Ellis Placeholder", 671),
            ("Wes Mockley", 339),
            ("Jade Fakeham", 35),
            ("Uma Trial", 34),
        ]
        pa1 = await sign_in(client, "pa1@nottingham.demo")
        ellis = demo_id("care-leaver", "city-3")
        log = (await client.get(f"/v1/care-leavers/{ellis}/contacts", headers=pa1)).json()["items"]
        assert [c["outcome"] for c in log] == ["attempt"] * 3
        aisha = demo_id("care-leaver", "city-1")
        requests = (await client.get(f"/v1/care-leavers/{aisha}/contact-requests", headers=pa1)).json()[
            "items"
        ]
        assert [(r["status"], r["preferred_method"]) for r in requests] == [("open", "phone")]
        mine = (
            await client.get("/v1/me/contacts", headers=await sign_in(client, "leaver1@nottingham.demo"))
        ).json()
        assert [c["outcome"] for c in mine["items"]] == ["attempt", "seen"]
        assert all(c["summary"] is None for c in mine["items"])
