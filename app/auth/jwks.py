"""Verifying tokens from councils' identity providers against their published keys (JWKS)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import jwt

from app.auth.errors import IdentityProviderUnavailable, InvalidToken
from app.core.settings import ExternalIssuer

_CACHE_SECONDS = 3600
_MIN_REFRESH_SECONDS = 30  # a token with an unknown key id cannot make us hammer the IdP


class JwksCache:
    """Keys per issuer, fetched on first use, refreshed hourly or when a token names an unknown key."""

    def __init__(self, client: httpx.AsyncClient | None = None) -> None:
        self._client = client
        self._keys: dict[str, dict[str, jwt.PyJWK]] = {}
        self._fetched_at: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def key_for(self, issuer: ExternalIssuer, kid: str | None) -> jwt.PyJWK:
        keys = self._keys.get(issuer.issuer)
        age = time.monotonic() - self._fetched_at.get(issuer.issuer, float("-inf"))
        if keys is None or age > _CACHE_SECONDS or (kid not in keys and age > _MIN_REFRESH_SECONDS):
            keys = await self._refresh(issuer)
        if kid is None and len(keys) == 1:
            return next(iter(keys.values()))
        if kid is None or kid not in keys:
            raise InvalidToken("The token was signed with a key its issuer does not publish.")
        return keys[kid]

    async def _refresh(self, issuer: ExternalIssuer) -> dict[str, jwt.PyJWK]:
        async with self._lock:
            try:
                client = self._client or httpx.AsyncClient(timeout=5)
                try:
                    response = await client.get(issuer.jwks_url)
                    response.raise_for_status()
                    document: dict[str, Any] = response.json()
                finally:
                    if self._client is None:
                        await client.aclose()
            except (httpx.HTTPError, ValueError) as exc:
                raise IdentityProviderUnavailable(
                    "Your organisation's sign-in service could not be reached to check the token; try again."
                ) from exc
            keys: dict[str, jwt.PyJWK] = {}
            for entry in document.get("keys", []):
                if entry.get("use", "sig") != "sig":
                    continue
                try:
                    key = jwt.PyJWK(entry)
                except jwt.PyJWKError:
                    continue  # a key type we do not use
                keys[str(entry.get("kid", ""))] = key
            self._keys[issuer.issuer] = keys
            self._fetched_at[issuer.issuer] = time.monotonic()
            return keys


async def verify_external_token(cache: JwksCache, issuer: ExternalIssuer, token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise InvalidToken("The token cannot be read.") from exc
    if header.get("alg") not in issuer.algorithms:
        raise InvalidToken("The token is signed with an algorithm this issuer does not use.")
    key = await cache.key_for(issuer, header.get("kid"))
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=issuer.algorithms,
            issuer=issuer.issuer,
            audience=issuer.audience,
            options={"require": ["exp", "iss", "aud"]},
            leeway=30,
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("The token has expired: sign in again.") from exc
    except jwt.InvalidTokenError as exc:
        raise InvalidToken("The token is not valid for this service.") from exc
    return claims
