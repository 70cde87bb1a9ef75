"""Records made through the API, so the record hooks keep the stored decisions current as in use."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from tests.support.world import World


async def create(client: httpx.AsyncClient, world: World, actor: str, **fields: Any) -> str:
    body = {"case_reference": f"D-{fields['family_name']}", "given_name": "Test", **fields}
    body = {k: v.isoformat() if isinstance(v, date) else v for k, v in body.items()}
    response = await client.post("/v1/care-leavers", json=body, headers=world.headers(actor))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def move(
    client: httpx.AsyncClient, world: World, actor: str, person: str, district: str, on: date
) -> None:
    response = await client.post(
        f"/v1/care-leavers/{person}/circumstances",
        json={
            "kind": "residence",
            "valid_from": on.isoformat(),
            "district_gss_code": district,
            "accommodation": "U",
            "suitable": True,
        },
        headers=world.headers(actor),
    )
    assert response.status_code == 201, response.text


async def consent(client: httpx.AsyncClient, world: World, actor: str, person: str, recipient: str) -> None:
    response = await client.post(
        f"/v1/care-leavers/{person}/consents", json={"recipient": recipient}, headers=world.headers(actor)
    )
    assert response.status_code in (200, 201), response.text


async def outcome(
    client: httpx.AsyncClient, world: World, actor: str, person: str, code: str, on: date | None = None
) -> str:
    params = {"on": on.isoformat()} if on else {}
    response = await client.get(
        f"/v1/care-leavers/{person}/entitlements", params=params, headers=world.headers(actor)
    )
    assert response.status_code == 200, response.text
    return str(next(r["outcome"] for r in response.json()["results"] if r["entitlement"] == code))
