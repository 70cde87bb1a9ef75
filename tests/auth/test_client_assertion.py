"""Partner systems sign in with a signed client assertion (RFC 7523, `private_key_jwt`) instead of a
secret: the council registers the client's public key, and each assertion is checked and used once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import clients
from app.auth.models import UsedClientAssertion
from app.core.clock import utc_now
from app.core.settings import Settings
from tests.auth.test_client_credentials import _clients, me, new_client
from tests.support.world import World

TOKEN = "/v1/auth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
Key = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_jwk(key: Key) -> dict[str, Any]:
    if isinstance(key, rsa.RSAPrivateKey):
        return RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return ECAlgorithm.to_jwk(key.public_key(), as_dict=True)


async def register_key(
    client: httpx.AsyncClient, world: World, client_id: str, jwk: dict[str, Any]
) -> httpx.Response:
    return await client.put(
        f"{_clients(world)}/{client_id}/public-key", json=jwk, headers=world.headers("admin_county")
    )


def assertion(key: Key, client_id: str, settings: Settings, **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": settings.public_base_url.rstrip("/") + TOKEN,
        "iat": now,
        "exp": now + 60,
        "jti": str(uuid.uuid4()),
        **overrides,
    }
    claims = {k: v for k, v in claims.items() if v is not None}
    algorithm = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
    return jwt.encode(claims, key, algorithm=algorithm)


async def sign_in(client: httpx.AsyncClient, signed: str) -> httpx.Response:
    return await client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": signed,
        },
    )


async def client_with_key(client: httpx.AsyncClient, world: World, key: Key) -> str:
    client_id = (await new_client(client, world))["client_id"]
    registered = await register_key(client, world, client_id, public_jwk(key))
    assert registered.status_code == 200, registered.text
    return client_id


def refused(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "auth.invalid_client"
    assert "access_token" not in response.json()


@pytest.mark.parametrize("key", [ec_key(), rsa.generate_private_key(65537, 2048)], ids=["ES256", "RS256"])
async def test_a_genuine_assertion_gets_a_partner_token(
    client: httpx.AsyncClient, world: World, settings: Settings, key: Key
) -> None:
    client_id = await client_with_key(client, world, key)
    listed = (await client.get(_clients(world), headers=world.headers("admin_county"))).json()
    assert listed[0]["public_key"]["kty"] == public_jwk(key)["kty"] and listed[0]["public_key_set_at"]
    issued = await sign_in(client, assertion(key, client_id, settings))
    assert issued.status_code == 200, issued.text
    assert issued.json()["scope"] == "status_check" and "refresh_token" not in issued.json()
    who = (await me(client, issued.json()["access_token"])).json()
    assert who["kind"] == "partner" and who["partner_organisation"]["name"] == "Ashfield DC"


def _wrong_key(key: Key, client_id: str, settings: Settings) -> str:
    return assertion(ec_key(), client_id, settings)


def _altered(key: Key, client_id: str, settings: Settings) -> str:
    header, payload, signature = assertion(key, client_id, settings).split(".")
    other = assertion(key, client_id, settings, exp=int(time.time()) + 240).split(".")[1]
    assert other != payload
    return f"{header}.{other}.{signature}"


CASES: dict[str, Callable[[Key, str, Settings], str]] = {
    "wrong key": _wrong_key,
    "altered": _altered,
    "expired": lambda k, c, s: assertion(k, c, s, iat=int(time.time()) - 600, exp=int(time.time()) - 120),
    "too long-lived": lambda k, c, s: assertion(k, c, s, exp=int(time.time()) + 3600),
    "wrong audience": lambda k, c, s: assertion(k, c, s, aud="https://elsewhere.example/v1/auth/token"),
    "no jti": lambda k, c, s: assertion(k, c, s, jti=None),
    "no exp": lambda k, c, s: assertion(k, c, s, exp=None),
    "subject not the client": lambda k, c, s: assertion(k, c, s, sub=str(uuid.uuid4())),
    "an HMAC token with the public key": lambda k, c, s: jwt.encode(
        {"iss": c, "sub": c, "aud": s.public_base_url + TOKEN, "exp": int(time.time()) + 60, "jti": "x"},
        "not-the-key-but-long-enough-for-hs256!",
        algorithm="HS256",
    ),
}


@pytest.mark.parametrize("case", CASES)
async def test_a_bad_assertion_is_refused_like_a_wrong_secret(
    client: httpx.AsyncClient, world: World, settings: Settings, case: str
) -> None:
    key = ec_key()
    client_id = await client_with_key(client, world, key)
    response = await sign_in(client, CASES[case](key, client_id, settings))
    refused(response)
    wrong_secret = await client.post(
        TOKEN, data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "pcs_wrong"}
    )
    assert {k: v for k, v in response.json().items() if k != "request_id"} == {
        k: v for k, v in wrong_secret.json().items() if k != "request_id"
    }


async def test_an_assertion_is_used_only_once(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    key = ec_key()
    client_id = await client_with_key(client, world, key)
    signed = assertion(key, client_id, settings)
    assert (await sign_in(client, signed)).status_code == 200
    refused(await sign_in(client, signed))
    # A new jti is fine.
    assert (await sign_in(client, assertion(key, client_id, settings))).status_code == 200


async def test_a_client_without_a_key_or_revoked_is_refused(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    key = ec_key()
    keyless = (await new_client(client, world))["client_id"]
    refused(await sign_in(client, assertion(key, keyless, settings)))
    client_id = await client_with_key(client, world, key)
    issued = (await sign_in(client, assertion(key, client_id, settings))).json()["access_token"]
    revoked = await client.delete(f"{_clients(world)}/{client_id}", headers=world.headers("admin_county"))
    assert revoked.status_code == 204
    refused(await sign_in(client, assertion(key, client_id, settings)))
    assert (await me(client, issued)).status_code == 401
    # A revoked client's key can no longer be changed either.
    again = await register_key(client, world, client_id, public_jwk(ec_key()))
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "partner_client.revoked"


async def test_replacing_the_key_takes_effect_at_once(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    old = ec_key()
    client_id = await client_with_key(client, world, old)
    old_token = (await sign_in(client, assertion(old, client_id, settings))).json()["access_token"]
    new = ec_key()
    assert (await register_key(client, world, client_id, public_jwk(new))).status_code == 200
    refused(await sign_in(client, assertion(old, client_id, settings)))
    assert (await me(client, old_token)).status_code == 401
    assert (await sign_in(client, assertion(new, client_id, settings))).status_code == 200


async def test_only_public_keys_of_the_accepted_kinds_are_registered(
    client: httpx.AsyncClient, world: World
) -> None:
    client_id = (await new_client(client, world))["client_id"]
    private = ECAlgorithm.to_jwk(ec_key(), as_dict=True)
    assert "d" in private
    small_rsa = public_jwk(rsa.generate_private_key(65537, 1024))
    p384 = ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP384R1()).public_key(), as_dict=True)
    bad_point = {**public_jwk(ec_key()), "y": public_jwk(ec_key())["x"]}
    for jwk in (private, small_rsa, p384, bad_point, {"kty": "oct", "k": "c2VjcmV0"}):
        response = await register_key(client, world, client_id, jwk)
        assert response.status_code == 422, (jwk, response.text)
    listed = (await client.get(_clients(world), headers=world.headers("admin_county"))).json()
    assert listed[0]["public_key"] is None
    # Only the council's admin registers keys.
    by_partner = await client.put(
        f"{_clients(world)}/{client_id}/public-key",
        json=public_jwk(ec_key()),
        headers=world.headers("partner_ash"),
    )
    assert by_partner.status_code == 403


async def test_prune_forgets_only_used_assertion_ids_that_have_expired(
    client: httpx.AsyncClient, world: World, settings: Settings, session: AsyncSession
) -> None:
    key = ec_key()
    client_id = await client_with_key(client, world, key)
    assert (await sign_in(client, assertion(key, client_id, settings))).status_code == 200
    now = utc_now()
    session.add(
        UsedClientAssertion(client_id=uuid.UUID(client_id), jti="old", expires_at=now - timedelta(hours=1))
    )
    await session.flush()
    assert await clients.prune(session, now) == 1
    kept = (await session.execute(select(UsedClientAssertion.jti))).scalars().all()
    assert len(kept) == 1 and kept[0] != "old"  # the live one still refuses a replay
