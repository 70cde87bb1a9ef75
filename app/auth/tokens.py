"""Our access tokens (short-lived HS256 JWTs) and refresh tokens (opaque, single-use, stored hashed)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from app.core.settings import Settings

ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    expires_at: datetime


def issue_access_token(settings: Settings, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime) -> str:
    expires = now + timedelta(minutes=settings.access_token_minutes)
    claims = {
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "sub": str(user_id),
        "sid": str(session_id),
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": secrets.token_hex(16),
    }
    return jwt.encode(claims, settings.signing_key, algorithm=ALGORITHM, headers={"typ": "at+jwt"})


def decode_access_token(settings: Settings, token: str) -> dict[str, Any]:
    """Verify signature, issuer, audience and times; raises jwt.InvalidTokenError subclasses."""
    claims: dict[str, Any] = jwt.decode(
        token,
        settings.signing_key,
        algorithms=[ALGORITHM],
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        options={"require": ["exp", "iat", "sub", "sid", "iss", "aud"]},
        leeway=10,
    )
    return claims


def unverified_issuer(token: str) -> str | None:
    """Which issuer a token claims to be from, to pick the key that must verify it."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    issuer = claims.get("iss")
    return issuer if isinstance(issuer, str) else None


def new_refresh_token() -> tuple[str, str]:
    """A refresh token and the digest we store: 256 random bits, so a fast hash is enough."""
    token = secrets.token_urlsafe(32)
    return token, refresh_digest(token)


def refresh_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
