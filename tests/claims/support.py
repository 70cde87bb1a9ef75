"""Young people with allowances to claim, and the calls a claim's life is made of (through the API)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import Role
from app.auth.models import UserAccount
from app.care_leavers.models import CareLeaver
from app.core.settings import Settings
from tests.support import factories as f
from tests.support.world import World

SETTING_UP_HOME = "setting-up-home-allowance"


@dataclass
class Claimant:
    """A City former relevant young person in their own home (setting-up-home allowance: £3,000), on
    pa_a1's caseload, with an app account."""

    person: CareLeaver
    account: UserAccount
    token: str

    @property
    def id(self) -> str:
        return str(self.person.id)

    @property
    def headers(self) -> dict[str, str]:
        return f.bearer(self.token)


async def claimant(
    session: AsyncSession, settings: Settings, world: World, adviser: str = "pa_a1"
) -> Claimant:
    person = await f.care_leaver(
        session, adviser=world.users[adviser], district=f.CITY, former_relevant=True, age_years=19
    )
    account = await f.user(session, Role.CARE_LEAVER, care_leaver=person)
    return Claimant(person, account, await f.token_for(session, settings, account))


def claim_body(
    *amounts: int, code: str = SETTING_UP_HOME, submit: bool = True, **extra: Any
) -> dict[str, Any]:
    return {
        "entitlement_code": code,
        "purpose": "Things for my first flat",
        "items": [{"description": f"Item {i + 1}", "amount_pence": a} for i, a in enumerate(amounts)],
        "payment_method": "bank_transfer",
        "submit": submit,
        **extra,
    }


async def make_claim(
    client: httpx.AsyncClient, headers: dict[str, str], person: str, *amounts: int, **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/care-leavers/{person}/claims", json=claim_body(*amounts, **extra), headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def act(
    client: httpx.AsyncClient, headers: dict[str, str], claim: str, action: str, **body: Any
) -> httpx.Response:
    return await client.post(f"/v1/claims/{claim}/{action}", json=body or None, headers=headers)


async def pay(
    client: httpx.AsyncClient, headers: dict[str, str], claim: str, pence: int, key: str | None = None
) -> httpx.Response:
    return await client.post(
        f"/v1/claims/{claim}/payments",
        json={"amount_pence": pence},
        headers={**headers, "Idempotency-Key": key or str(uuid.uuid4())},
    )


async def balance(
    client: httpx.AsyncClient, headers: dict[str, str], person: str, code: str = SETTING_UP_HOME
) -> dict[str, Any]:
    response = await client.get(f"/v1/care-leavers/{person}/balances", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = next(b for b in response.json() if b["entitlement_code"] == code)
    return found
