"""Helpers for status-letter tests: a City care leaver with a status, issuing and verifying letters."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.dates import birthday
from app.decisions.service import refresh_people
from tests.support.world import World

VERIFY = "/v1/status-letters/verification"


async def give_status(session: AsyncSession, world: World, person: str) -> None:
    """A care history that makes them a former relevant young person (looked after from 14 to 18)."""
    row = world.people[person]
    row.still_looked_after = False
    row.entered_care_on = birthday(row.date_of_birth, 14)
    row.left_care_on = birthday(row.date_of_birth, 18)
    row.weeks_looked_after_since_14 = 208
    await session.flush()
    await refresh_people(session, [row.id])


async def issue(
    client: httpx.AsyncClient, world: World, actor: str, person: str, purpose: str = "apprenticeship_bursary"
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/care-leavers/{world.id(person)}/status-letters",
        json={"purpose": purpose},
        headers=world.headers(actor),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def verify(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    """With no account at all."""
    response = await client.post(VERIFY, json={"token": token})
    assert response.status_code == 200, response.text
    return response.json()
