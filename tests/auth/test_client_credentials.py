"""Partner systems sign in with OAuth 2.0 client credentials; secrets rotate and are revoked."""

from __future__ import annotations

import base64

import httpx

from tests.support.world import World

TOKEN = "/v1/auth/token"


def _clients(world: World, partner: str = "partner_ash") -> str:
    return f"/v1/partner-organisations/{world.users[partner].partner_organisation_id}/clients"


async def new_client(
    client: httpx.AsyncClient, world: World, purposes: list[str] | None = None
) -> dict[str, str]:
    response = await client.post(
        _clients(world),
        json={"name": "Ashfield billing system", "purposes": purposes or ["status_check"]},
        headers=world.headers("admin_county"),
    )
    assert response.status_code == 201, response.text
    assert response.headers["Cache-Control"] == "no-store"
    made = response.json()
    return {"client_id": made["client"]["client_id"], "client_secret": made["client_secret"]}


async def token(client: httpx.AsyncClient, credentials: dict[str, str]) -> httpx.Response:
    return await client.post(TOKEN, data={"grant_type": "client_credentials", **credentials})


async def me(client: httpx.AsyncClient, access_token: str) -> httpx.Response:
    return await client.get("/v1/me", headers={"Authorization": f"Bearer {access_token}"})


async def test_a_client_gets_a_partner_token_for_its_organisation(
    client: httpx.AsyncClient, world: World
) -> None:
    credentials = await new_client(client, world)
    issued = await token(client, credentials)
    assert issued.status_code == 200, issued.text
    answer = issued.json()
    assert answer["token_type"] == "bearer" and answer["scope"] == "status_check"
    assert "refresh_token" not in answer  # RFC 6749 s4.4.3: the client simply asks again
    who = (await me(client, answer["access_token"])).json()
    assert who["kind"] == "partner" and who["roles"] == ["partner"]
    assert who["partner_organisation"]["name"] == "Ashfield DC"
    # HTTP Basic authentication works the same (RFC 6749 s2.3.1).
    basic = base64.b64encode(f"{credentials['client_id']}:{credentials['client_secret']}".encode()).decode()
    by_basic = await client.post(
        TOKEN, data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert by_basic.status_code == 200, by_basic.text
    # The secret is never shown again, nor stored: the list has no secret.
    listed = (await client.get(_clients(world), headers=world.headers("admin_county"))).json()
    assert credentials["client_secret"] not in str(listed)
    assert listed[0]["client_id"] == credentials["client_id"]


async def test_a_wrong_secret_or_unknown_client_is_refused_alike(
    client: httpx.AsyncClient, world: World
) -> None:
    credentials = await new_client(client, world)
    wrong = await token(client, {**credentials, "client_secret": "pcs_wrong"})
    unknown = await token(client, {"client_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e00", "client_secret": "x"})
    for refused in (wrong, unknown):
        assert refused.status_code == 401
        assert refused.json()["error"] == "invalid_client"
    assert {k: v for k, v in wrong.json().items() if k != "request_id"} == {
        k: v for k, v in unknown.json().items() if k != "request_id"
    }


async def test_rotating_with_no_grace_stops_the_old_secret_and_its_tokens(
    client: httpx.AsyncClient, world: World
) -> None:
    old = await new_client(client, world)
    old_token = (await token(client, old)).json()["access_token"]
    rotated = await client.post(
        f"{_clients(world)}/{old['client_id']}/secrets",
        json={"previous_secret_valid_minutes": 0},
        headers=world.headers("admin_county"),
    )
    assert rotated.status_code == 201, rotated.text
    new = {"client_id": old["client_id"], "client_secret": rotated.json()["client_secret"]}
    assert (await token(client, old)).status_code == 401
    assert (await me(client, old_token)).status_code == 401
    assert (await token(client, new)).status_code == 200


async def test_rotating_with_grace_keeps_the_old_secret_working_meanwhile(
    client: httpx.AsyncClient, world: World
) -> None:
    old = await new_client(client, world)
    rotated = await client.post(
        f"{_clients(world)}/{old['client_id']}/secrets", json={}, headers=world.headers("admin_county")
    )
    assert rotated.status_code == 201
    assert rotated.json()["client"]["previous_secret_expires_at"] is not None
    new = {"client_id": old["client_id"], "client_secret": rotated.json()["client_secret"]}
    assert (await token(client, old)).status_code == 200
    assert (await token(client, new)).status_code == 200
    # Rotating again ends the first secret: only the one before the newest keeps a grace period.
    again = await client.post(
        f"{_clients(world)}/{old['client_id']}/secrets", json={}, headers=world.headers("admin_county")
    )
    assert again.status_code == 201
    assert (await token(client, old)).status_code == 401
    assert (await token(client, new)).status_code == 200


async def test_revoking_a_client_stops_its_secret_and_tokens_at_once(
    client: httpx.AsyncClient, world: World
) -> None:
    credentials = await new_client(client, world)
    access = (await token(client, credentials)).json()["access_token"]
    revoked = await client.delete(
        f"{_clients(world)}/{credentials['client_id']}", headers=world.headers("admin_county")
    )
    assert revoked.status_code == 204
    assert (await me(client, access)).status_code == 401
    assert (await token(client, credentials)).status_code == 401
    listed = (await client.get(_clients(world), headers=world.headers("admin_county"))).json()
    assert listed[0]["revoked_at"] is not None
    rotate = await client.post(
        f"{_clients(world)}/{credentials['client_id']}/secrets",
        json={},
        headers=world.headers("admin_county"),
    )
    assert rotate.status_code == 409


async def test_a_client_only_does_what_it_was_given(client: httpx.AsyncClient, world: World) -> None:
    organisation = world.users["partner_ash"].partner_organisation_id
    await client.post(
        f"/v1/partner-organisations/{organisation}/agreements",
        json={"purpose": "status_check", "entitlement_codes": ["council-tax-exemption"]},
        headers=world.headers("admin_county"),
    )
    credentials = await new_client(client, world)
    access = (await token(client, credentials)).json()["access_token"]
    asked = {
        "given_name": "Nobody",
        "family_name": "Known",
        "date_of_birth": "2004-09-30",
        "postcode": "NG17 7BQ",
        "local_authority": "E10000024",
        "entitlement": "council-tax-exemption",
    }
    headers = {"Authorization": f"Bearer {access}"}
    checked = await client.post("/v1/status-checks", json=asked, headers=headers)
    assert checked.status_code == 200 and checked.json() == {"answer": "no"}
    # The client's token reaches only what a partner's does.
    assert (await client.get("/v1/care-leavers", headers=headers)).status_code == 403


async def test_only_the_council_s_admin_manages_its_partners_clients(
    client: httpx.AsyncClient, world: World
) -> None:
    path = _clients(world)
    assert (await client.get(path, headers=world.headers("admin_city"))).status_code == 404
    assert (await client.get(path, headers=world.headers("pa_n1"))).status_code == 403
    assert (await client.get(path, headers=world.headers("partner_ash"))).status_code == 403
    made = await client.post(
        path, json={"name": "x", "purposes": ["status_check"]}, headers=world.headers("admin_city")
    )
    assert made.status_code == 404


async def test_password_sign_in_is_unchanged_and_needs_no_client(
    client: httpx.AsyncClient, world: World
) -> None:
    missing = await client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": "x"})
    assert missing.status_code == 422
    refused = await client.post(TOKEN, data={"grant_type": "password", "username": "a@b.c", "password": "x"})
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_grant"
