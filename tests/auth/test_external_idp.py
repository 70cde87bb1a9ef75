"""Council staff signing in through their own identity provider: tokens verified against its JWKS.

The key pair is generated here and the JWKS document served from a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.enums import Role
from app.core.settings import ExternalIssuer
from tests.support import factories as f
from tests.support.types import ClientWith

ISSUER = "https://login.council-idp.example/tenant-1/v2.0"
AUDIENCE = "api://local-offer"


def _key(kid: str) -> tuple[rsa.RSAPrivateKey, dict[str, Any]]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    return private, {**public_jwk, "kid": kid, "use": "sig", "alg": "RS256"}


@pytest.fixture(scope="module")
def keys() -> dict[str, tuple[rsa.RSAPrivateKey, dict[str, Any]]]:
    return {"published": _key("key-1"), "unpublished": _key("key-2")}


JWKS_HITS: list[str] = []


@pytest.fixture(scope="module")
def jwks_url(keys: dict[str, tuple[rsa.RSAPrivateKey, dict[str, Any]]]) -> Iterator[str]:
    document = json.dumps({"keys": [keys["published"][1]]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            JWKS_HITS.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/discovery/keys"
    server.shutdown()


def idp_token(private: rsa.RSAPrivateKey, kid: str, **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "idp-subject-1",
        "email": "staff@idp.test",
        "iat": now,
        "exp": now + 600,
        **overrides,
    }
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def issuer(jwks_url: str, **overrides: Any) -> list[ExternalIssuer]:
    settings = {"issuer": ISSUER, "jwks_url": jwks_url, "audience": AUDIENCE, "local_authority": "E06000018"}
    return [ExternalIssuer(**{**settings, **overrides})]


@pytest.fixture
async def staff(session: AsyncSession) -> None:
    await f.user(session, Role.PERSONAL_ADVISER, email="staff@idp.test")


async def test_a_token_from_the_council_idp_signs_staff_in(
    client_with: ClientWith, jwks_url: str, keys: dict, staff: None
) -> None:
    private, _ = keys["published"]
    async with client_with(external_issuers=issuer(jwks_url, local_authority="E06000018")) as client:
        response = await client.get("/v1/me", headers=f.bearer(idp_token(private, "key-1")))
    assert response.status_code == 200, response.text
    assert response.json()["signed_in_with"] == ISSUER
    assert response.json()["roles"] == ["personal_adviser"]


@pytest.mark.parametrize(
    ("case", "overrides"),
    [
        ("expired", {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}),
        ("wrong audience", {"aud": "api://someone-else"}),
        ("unknown account", {"email": "stranger@idp.test"}),
        ("no email claim", {"email": None}),
    ],
)
async def test_invalid_idp_tokens_are_refused(
    case: str, overrides: dict, client_with: ClientWith, jwks_url: str, keys: dict, staff: None
) -> None:
    private, _ = keys["published"]
    async with client_with(external_issuers=issuer(jwks_url)) as client:
        response = await client.get("/v1/me", headers=f.bearer(idp_token(private, "key-1", **overrides)))
    assert response.status_code == 401, case
    assert response.json()["code"] == "auth.invalid_token"


async def test_a_key_the_idp_does_not_publish_is_refused(
    client_with: ClientWith, jwks_url: str, keys: dict, staff: None
) -> None:
    private, _ = keys["unpublished"]
    async with client_with(external_issuers=issuer(jwks_url)) as client:
        for kid in ("key-2", "key-1"):  # its own kid, or claiming the published one
            response = await client.get("/v1/me", headers=f.bearer(idp_token(private, kid)))
            assert response.status_code == 401, kid


async def test_an_unconfigured_issuer_is_refused(
    client_with: ClientWith, jwks_url: str, keys: dict, staff: None
) -> None:
    private, _ = keys["published"]
    async with client_with(external_issuers=issuer(jwks_url)) as client:
        response = await client.get(
            "/v1/me", headers=f.bearer(idp_token(private, "key-1", iss="https://other.example"))
        )
    assert response.status_code == 401
    assert "not accepted" in response.json()["detail"]


async def test_the_public_key_cannot_be_used_as_an_hmac_secret(
    client_with: ClientWith, jwks_url: str, keys: dict, staff: None
) -> None:
    """The classic algorithm confusion: HS256 'signed' with the published RSA public key."""
    private, _ = keys["published"]
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = jwt.decode(idp_token(private, "key-1"), options={"verify_signature": False})
    # Built by hand: PyJWT itself refuses to sign with a public key.
    header = {"alg": "HS256", "kid": "key-1", "typ": "JWT"}
    segments = [_b64(json.dumps(header).encode()), _b64(json.dumps(claims).encode())]
    signature = hmac.new(public_pem, ".".join(segments).encode(), hashlib.sha256).digest()
    forged = ".".join([*segments, _b64(signature)])
    async with client_with(external_issuers=issuer(jwks_url)) as client:
        response = await client.get("/v1/me", headers=f.bearer(forged))
    assert response.status_code == 401


async def test_an_idp_for_one_council_cannot_sign_in_another_councils_staff(
    client_with: ClientWith, jwks_url: str, keys: dict, staff: None
) -> None:
    private, _ = keys["published"]
    async with client_with(external_issuers=issuer(jwks_url, local_authority="E10000024")) as client:
        response = await client.get("/v1/me", headers=f.bearer(idp_token(private, "key-1")))
    assert response.status_code == 401
    assert "another council" in response.json()["detail"]


async def test_an_unreachable_idp_is_a_503_not_a_500(
    client_with: ClientWith, keys: dict, staff: None
) -> None:
    private, _ = keys["published"]
    dead = issuer("http://127.0.0.1:1/keys")
    async with client_with(external_issuers=dead) as client:
        response = await client.get("/v1/me", headers=f.bearer(idp_token(private, "key-1")))
    assert response.status_code == 503
    assert response.json()["code"] == "auth.identity_provider_unavailable"


def test_symmetric_algorithms_cannot_be_configured_for_an_idp() -> None:
    with pytest.raises(ValueError, match="asymmetric"):
        ExternalIssuer(
            issuer=ISSUER,
            jwks_url="http://x",
            audience=AUDIENCE,
            local_authority="E06000018",
            algorithms=["HS256"],
        )


async def test_idp_keys_are_fetched_once_not_per_request(
    client_with: ClientWith, jwks_url: str, keys: dict, staff: None
) -> None:
    private, _ = keys["published"]
    before = len(JWKS_HITS)
    async with client_with(external_issuers=issuer(jwks_url)) as client:
        for _ in range(3):
            assert (
                await client.get("/v1/me", headers=f.bearer(idp_token(private, "key-1")))
            ).status_code == 200
    assert len(JWKS_HITS) - before == 1


async def test_only_staff_sign_in_through_the_council_idp(
    client_with: ClientWith, jwks_url: str, keys: dict, session: AsyncSession
) -> None:
    person = await f.care_leaver(session)
    await f.user(session, Role.CARE_LEAVER, care_leaver=person, email="young@idp.test")
    private, _ = keys["published"]
    async with client_with(external_issuers=issuer(jwks_url)) as client:
        response = await client.get(
            "/v1/me", headers=f.bearer(idp_token(private, "key-1", email="young@idp.test"))
        )
    assert response.status_code == 401
    assert "Only council staff" in response.json()["detail"]


def test_an_idp_must_name_its_council() -> None:
    with pytest.raises(ValueError, match="local_authority"):
        ExternalIssuer(issuer=ISSUER, jwks_url="http://x", audience=AUDIENCE)  # type: ignore[call-arg]
