"""Standard Webhooks signatures (https://www.standardwebhooks.com), and sealing the secrets we sign with.

Each request carries `webhook-id` (the event id), `webhook-timestamp` (Unix seconds) and
`webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the bytes the
subscription's `whsec_...` secret encodes. After a rotation the header carries one signature per live
secret, separated by spaces; a receiver accepts the request if any of them matches.

We must sign, so a secret cannot be stored hashed: it is sealed with AES-SIV (RFC 5297) under a key
derived from the service's secret key for this purpose alone, bound to its subscription's id, so a
sealed secret copied to another row does not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SECRET_PREFIX = "whsec_"
_SECRET_BYTES = 32
_SEALED = b"\x01"  # first byte of every sealed secret; a new format gets a new byte


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(_SECRET_BYTES)).decode()


def _key_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,...` signature of a request."""
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: list[str], event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, event_id, timestamp, body) for s in secrets_),
        "content-type": "application/json",
    }


def verify(secret: str, event_id: str, timestamp: int, body: bytes, header: str) -> bool:
    """What a receiver does (the README shows it): recompute, and compare in constant time."""
    expected = signature(secret, event_id, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in header.split())


@lru_cache(maxsize=4)
def _cipher(signing_key: str) -> AESSIV:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=b"local-offer/webhook-secret/v1")
    return AESSIV(hkdf.derive(signing_key.encode()))


def seal(signing_key: str, subscription_id: uuid.UUID, secret: str) -> str:
    sealed = _SEALED + _cipher(signing_key).encrypt(secret.encode(), [_SEALED, subscription_id.bytes])
    return base64.urlsafe_b64encode(sealed).decode()


def unseal(signing_key: str, subscription_id: uuid.UUID, sealed: str) -> str:
    raw = base64.urlsafe_b64decode(sealed)
    if raw[:1] != _SEALED:
        raise ValueError("not a sealed webhook secret")
    return _cipher(signing_key).decrypt(raw[1:], [_SEALED, subscription_id.bytes]).decode()
