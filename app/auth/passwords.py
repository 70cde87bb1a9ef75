"""Argon2id password hashing (argon2-cffi's defaults follow RFC 9106's recommendations), and the policy
a new password meets.

A hash takes tens of milliseconds of CPU and 64 MiB on purpose. Run on the event loop it would stall
every other request for that long, so the service hashes and verifies in worker threads (the C code
releases the GIL), a few at a time so that a burst of sign-ins cannot claim gigabytes.
"""

from __future__ import annotations

import os

import anyio.to_thread
from anyio import CapacityLimiter
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# Verified when the account does not exist, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing-only")
_HASHING = CapacityLimiter(max(2, os.cpu_count() or 2))

MIN_LENGTH = 12
MAX_LENGTH = 1024
MIN_DISTINCT_CHARACTERS = 5


def hash_password(password: str) -> str:
    """Blocking: for the CLI and tests. Request handling uses `hash_in_thread`."""
    return _hasher.hash(password)


async def hash_in_thread(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password, limiter=_HASHING)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; with no hash (no such account, or none set) a dummy hash is checked
    anyway, so both cost the same."""
    return await anyio.to_thread.run_sync(_verify, password_hash, password, limiter=_HASHING)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def policy_problem(password: str, *, email: str | None) -> str | None:
    """Why `password` may not be chosen, or None. Length is what matters (NIST SP 800-63B): no rules
    about symbols, but not a repeated character or the account's own address (when it is known)."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters: a few words you will remember is a good choice."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if len(set(password.lower())) < MIN_DISTINCT_CHARACTERS:
        return "Use more different characters: this is easy to guess."
    if email is None:
        return None
    lowered, local_part = password.lower(), email.lower().split("@", 1)[0]
    if email.lower() in lowered or (len(local_part) >= 4 and local_part in lowered):
        return "Do not use your email address in your password."
    return None
