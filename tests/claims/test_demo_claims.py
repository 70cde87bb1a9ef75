"""The demo data's claims: between them Ben and Chloe have a claim in every state, made through the same
use cases as the API, and their balances are what the ledger says."""

from __future__ import annotations

from app.claims.enums import ClaimStatus
from app.core.settings import Settings
from app.db.session import Database
from app.demo.loader import load_demo_data
from tests.support.factories import sign_in
from tests.support.types import ClientWith


async def test_the_demo_young_people_have_claims_in_every_state(
    db: Database, settings: Settings, client_with: ClientWith
) -> None:
    await load_demo_data(db, settings.model_copy(update={"demo": True}))
    statuses: set[str] = set()
    async with client_with(demo=True) as client:
        for email in ("leaver2@nottingham.demo", "leaver1@notts.demo"):
            headers = await sign_in(client, email)
            claims = (await client.get("/v1/me/claims", params={"limit": 100}, headers=headers)).json()[
                "items"
            ]
            statuses |= {c["status"] for c in claims}
            for claim in claims:
                if claim["status"] == "declined":
                    assert claim["decline_reason"]
            for b in (await client.get("/v1/me/balances", headers=headers)).json():
                assert b["remaining_pence"] == b["cap_pence"] - b["committed_pence"] - b["paid_pence"]
        assert statuses == {s.value for s in ClaimStatus}
        ben = await sign_in(client, "leaver2@nottingham.demo")
        balances = (await client.get("/v1/me/balances", headers=ben)).json()
        # Ben is also entitled to NTU's bursary and Growing Lives, which the universities pay: no balance here.
        assert {b["entitlement_code"] for b in balances} == {
            "setting-up-home-allowance",
            "higher-education-bursary",
        }
        home = next(b for b in balances if b["entitlement_code"] == "setting-up-home-allowance")
        # Paid £570 and £60; £90 of the part-paid claim still committed.
        assert (home["paid_pence"], home["committed_pence"], home["remaining_pence"]) == (63000, 9000, 228000)
        manager = await sign_in(client, "manager@nottingham.demo")
        queue = (await client.get("/v1/claims", headers=manager)).json()["items"]
        assert [(c["name"], c["entitlement_code"]) for c in queue] == [
            ("Ben Sample", "higher-education-bursary")
        ]
