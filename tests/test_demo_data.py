"""Demo mode: accounts for every role in both councils, linked to fictional people; never outside demo mode."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import UserAccount
from app.care_leavers.models import CareLeaver
from app.core.settings import Settings
from app.db.session import Database
from app.demo.loader import DemoModeRequired, load_demo_data
from app.demo.people import ACCOUNTS
from tests.support.types import ClientWith

REQUIRED = [
    "admin@nottingham.demo",
    "manager@nottingham.demo",
    "pa1@nottingham.demo",
    "pa2@nottingham.demo",
    "leaver1@nottingham.demo",
    "leaver2@nottingham.demo",
    "admin@notts.demo",
    "pa1@notts.demo",
    "leaver1@notts.demo",
    "ashfield@partners.demo",
    "rushcliffe@partners.demo",
    "system@demo",
]


async def test_demo_data_refuses_outside_demo_mode(db: Database, settings: Settings) -> None:
    with pytest.raises(DemoModeRequired):
        await load_demo_data(db, settings.model_copy(update={"demo": False}))


async def test_demo_data_loads_every_account_once(
    db: Database, settings: Settings, session: AsyncSession
) -> None:
    demo = settings.model_copy(update={"demo": True})
    first = await load_demo_data(db, demo)
    second = await load_demo_data(db, demo)
    assert sum(first.values()) > 0
    assert sum(second.values()) == 0  # idempotent: fixed ids, nothing added twice
    emails = set((await session.execute(select(UserAccount.email).where(UserAccount.is_demo))).scalars())
    assert set(REQUIRED) <= emails == {a.email for a in ACCOUNTS}
    leavers = (
        (await session.execute(select(UserAccount).where(UserAccount.care_leaver_id.is_not(None))))
        .scalars()
        .all()
    )
    assert {u.email for u in leavers} == {
        "leaver1@nottingham.demo",
        "leaver2@nottingham.demo",
        "leaver1@notts.demo",
    }
    for user in leavers:
        person = await session.get(CareLeaver, user.care_leaver_id)
        assert person is not None
        assert person.local_authority_id == user.local_authority_id


async def test_demo_accounts_sign_in_in_demo_mode_and_see_different_caseloads(
    db: Database, settings: Settings, client_with: ClientWith
) -> None:
    await load_demo_data(db, settings.model_copy(update={"demo": True}))
    async with client_with(demo=True) as client:
        seen = {}
        for email in ("pa1@nottingham.demo", "pa2@nottingham.demo"):
            token = (
                await client.post(
                    "/v1/auth/token", data={"grant_type": "password", "username": email, "password": "demo"}
                )
            ).json()["access_token"]
            signed_in = {"Authorization": f"Bearer {token}"}
            me = await client.get("/v1/me", headers=signed_in)
            own = await client.get(
                "/v1/care-leavers",
                params={"adviser_id": me.json()["adviser_id"], "limit": 100},
                headers=signed_in,
            )
            seen[email] = {p["id"] for p in own.json()["items"]}
            caseload = await client.get("/v1/me/caseload", params={"limit": 100}, headers=signed_in)
            assert {e["care_leaver_id"] for e in caseload.json()["items"]} == seen[email]
        assert seen["pa1@nottingham.demo"]
        assert seen["pa2@nottingham.demo"]
        assert not seen["pa1@nottingham.demo"] & seen["pa2@nottingham.demo"]
    async with client_with(demo=False) as client:
        refused = await client.post(
            "/v1/auth/token",
            data={"grant_type": "password", "username": "pa1@nottingham.demo", "password": "demo"},
        )
        assert refused.status_code == 401
