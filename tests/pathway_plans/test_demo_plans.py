"""The demo data set's plans: an authorised plan for each demo young person but Ben, whose first plan is a
draft, and Chloe's review overdue, as the README's demo accounts promise."""

from __future__ import annotations

from app.core.settings import Settings
from app.db.session import Database
from app.demo.loader import load_demo_data
from tests.support.factories import sign_in
from tests.support.types import ClientWith


async def test_the_demo_plans(db: Database, settings: Settings, client_with: ClientWith) -> None:
    await load_demo_data(db, settings.model_copy(update={"demo": True}))
    async with client_with(demo=True) as client:
        aisha = (
            await client.get("/v1/me/pathway-plan", headers=await sign_in(client, "leaver1@nottingham.demo"))
        ).json()
        assert aisha["version"] == 2 and aisha["sections"][0]["your_comments"]
        ben = await client.get(
            "/v1/me/pathway-plan", headers=await sign_in(client, "leaver2@nottingham.demo")
        )
        assert ben.status_code == 404
        pa2 = await sign_in(client, "pa2@nottingham.demo")
        drafts = (await client.get("/v1/pathway-plans", params={"status": "draft"}, headers=pa2)).json()[
            "items"
        ]
        assert "Ben Sample" in [d["name"] for d in drafts]
        county = await sign_in(client, "manager@notts.demo")
        overdue = (
            await client.get(
                "/v1/pathway-plans/reviews-due", params={"due_before": "2100-01-01"}, headers=county
            )
        ).json()
        chloe = next(i for i in overdue["items"] if i["name"] == "Chloe Demo")
        assert chloe["days_overdue"] > 0
        waiting = (
            await client.get("/v1/pathway-plans", params={"status": "submitted"}, headers=county)
        ).json()["items"]
        assert (
            waiting == []
        )  # the county's submitted plan belongs to the 21Plus team: the admin authorises it
        admin = await sign_in(client, "admin@notts.demo")
        assert (await client.get("/v1/pathway-plans", params={"status": "submitted"}, headers=admin)).json()[
            "items"
        ]
