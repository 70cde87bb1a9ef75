from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import Settings
from tests.claims.support import act, balance, claimant, make_claim, pay
from tests.support.world import World


async def test_a_claim_from_draft_to_paid(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    who = await claimant(session, settings, world)
    pa, manager = world.headers("pa_a1"), world.headers("manager_a")
    claim = await make_claim(client, pa, who.id, 25000, 32000)
    assert claim["status"] == "submitted", claim
    assert claim["decision"]["amount"]["amount_pence"] == 300000
    assert claim["approvals_needed"] == 2  # above the council's £500
    r = await act(client, manager, claim["id"], "approve")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted" and r.json()["first_approved_at"]
    r = await act(client, world.headers("admin_city"), claim["id"], "approve")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"
    b = await balance(client, pa, who.id)
    assert (b["cap_pence"], b["committed_pence"], b["paid_pence"], b["remaining_pence"]) == (
        300000,
        57000,
        0,
        243000,
    )
    r = await pay(client, manager, claim["id"], 20000)
    assert r.status_code == 201, r.text
    b = await balance(client, pa, who.id)
    assert (b["committed_pence"], b["paid_pence"], b["remaining_pence"]) == (37000, 20000, 243000)
