"""Administrators manage accounts; an account's kind bounds the roles it can ever hold."""

from __future__ import annotations

import httpx
import pytest

from tests.support.world import World


@pytest.mark.parametrize("roles", [["partner"], ["personal_adviser"], ["care_leaver", "la_admin"]])
async def test_a_care_leaver_s_account_never_gains_staff_or_partner_roles(
    roles: list[str], client: httpx.AsyncClient, world: World
) -> None:
    leaver = world.users["leaver_a1"]
    response = await client.patch(
        f"/v1/users/{leaver.id}", json={"roles": roles}, headers=world.headers("admin_city")
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["roles"]
    # Unchanged: the young person still signs in to their own record only.
    me = await client.get("/v1/me", headers=world.headers("leaver_a1"))
    assert me.json()["roles"] == ["care_leaver"]


async def test_a_partner_account_cannot_be_given_a_staff_role(
    client: httpx.AsyncClient, world: World
) -> None:
    partner = world.users["partner_ash"]
    response = await client.patch(
        f"/v1/users/{partner.id}",
        json={"roles": ["partner", "personal_adviser"]},
        headers=world.headers("admin_county"),
    )
    assert response.status_code == 422
    assert "partner account can have only: partner" in response.json()["errors"][0]["message"]
    created = await client.post(
        "/v1/users",
        json={"email": "ops@ashfield.test", "display_name": "Ops", "kind": "partner", "roles": ["la_admin"]},
        headers=world.headers("admin_county"),
    )
    assert created.status_code == 422
    assert created.json()["errors"][0]["field"] == "roles"
