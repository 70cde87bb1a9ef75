"""Councils' letter-signing keys: made, sealed at rest, rotated and published.

A private key is stored sealed with AES-SIV (RFC 5297) under a key HKDF derives from the service's
secret key for this purpose alone (as page cursors are, `app.api.pagination`, with another `info`), and
bound to its key id and council as associated data, so a sealed key copied to another row will not
open. Rotating `LOCAL_OFFER_SECRET_KEY` therefore means rotating every council's letter key too
(`python -m app rotate-letter-key --council GSS`); letters already issued still verify, since only
public keys are needed for that.
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.ext.asyncio import AsyncSession

from app.letters.models import LetterSigningKey
from app.letters.repository import KeyRepository

ALGORITHM = "ES256"
# A letter is good for 90 days at most (sooner if the status it states ends sooner): long enough for a
# training provider's enrolment, short enough that a status which has changed is not vouched for long.
LETTER_LIFETIME = timedelta(days=90)
# A retired key is published until every letter it signed has expired, and a day more for caches.
PUBLISHED_AFTER_RETIREMENT = LETTER_LIFETIME + timedelta(days=1)


@lru_cache(maxsize=4)
def _cipher(secret_key: str) -> AESSIV:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=b"local-offer/letter-signing-key/v1")
    return AESSIV(hkdf.derive(secret_key.encode()))


def _binding(kid: str, local_authority_id: uuid.UUID) -> list[bytes]:
    return [kid.encode(), str(local_authority_id).encode()]


def seal(
    secret_key: str, kid: str, local_authority_id: uuid.UUID, private: ec.EllipticCurvePrivateKey
) -> bytes:
    pem = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return _cipher(secret_key).encrypt(pem, _binding(kid, local_authority_id))


def unseal(secret_key: str, key: LetterSigningKey) -> ec.EllipticCurvePrivateKey:
    der = _cipher(secret_key).decrypt(key.sealed_private_key, _binding(key.kid, key.local_authority_id))
    private = serialization.load_der_private_key(der, password=None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    return private


def public_key(key: LetterSigningKey) -> Any:
    return jwt.PyJWK(key.public_jwk).key


def _new_key(
    secret_key: str, local_authority_id: uuid.UUID, gss_code: str, now: datetime
) -> LetterSigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    kid = f"{gss_code}.{now:%Y%m%d}.{secrets.token_hex(4)}"
    jwk: dict[str, Any] = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "use": "sig", "alg": ALGORITHM})
    return LetterSigningKey(
        local_authority_id=local_authority_id,
        kid=kid,
        public_jwk=jwk,
        sealed_private_key=seal(secret_key, kid, local_authority_id, private),
        created_at=now,
    )


async def rotate(
    session: AsyncSession, secret_key: str, local_authority_id: uuid.UUID, gss_code: str, now: datetime
) -> LetterSigningKey:
    """A new current key for the council; the old one is retired (still published, see above)."""
    keys = KeyRepository(session)
    current = await keys.current(local_authority_id, lock=True)
    if current is not None:
        current.retired_at = now
        await session.flush()
    key = _new_key(secret_key, local_authority_id, gss_code, now)
    session.add(key)
    await session.flush()
    return key


async def current_key(
    session: AsyncSession, secret_key: str, local_authority_id: uuid.UUID, gss_code: str, now: datetime
) -> LetterSigningKey:
    """The council's current key, made on its first letter."""
    key = await KeyRepository(session).current(local_authority_id)
    return key if key is not None else await rotate(session, secret_key, local_authority_id, gss_code, now)


async def jwks_document(session: AsyncSession, now: datetime) -> tuple[bytes, datetime | None]:
    """Every council's current and still-published public keys, and when that set last changed."""
    keys = await KeyRepository(session).published(now - PUBLISHED_AFTER_RETIREMENT)
    document = {"keys": [k.public_jwk for k in keys]}
    changed = [t for k in keys for t in (k.created_at, k.retired_at) if t is not None]
    body = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    return body, max(changed, default=None)
