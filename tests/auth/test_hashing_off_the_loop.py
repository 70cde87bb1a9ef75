"""Argon2 runs in a worker thread: while a password is hashed or checked, the app goes on answering.

The hasher is held at a gate that only the answer to `/health/live` opens. Run on the event loop, the
held hash would stop the loop, so the health check could not be answered and the gate would give up
(after a minute) without being opened; run in a thread, the health check is answered, opens the gate,
and the hash goes on. Whether the gate was opened is the proof, not how long anything took.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import passwords
from app.auth.enums import Role
from app.core.settings import Settings
from tests.auth.support import attempt
from tests.support import factories as f

# Only a fallback, so that a hash wrongly run on the event loop fails the test instead of hanging it.
GIVE_UP_SECONDS = 60


class GatedHasher(PasswordHasher):
    def __init__(self, gated: str) -> None:
        super().__init__()
        self.gated = gated
        self.started = threading.Event()
        self.release = threading.Event()
        self.opened = False

    def _gate(self, name: str) -> None:
        if name == self.gated:
            self.started.set()
            self.opened = self.release.wait(GIVE_UP_SECONDS)

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self._gate("hash")
        return super().hash(password, salt=salt)

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self._gate("verify")
        return super().verify(hash, password)


Request = Callable[[httpx.AsyncClient, AsyncSession, Settings], Awaitable[httpx.Response]]


async def sign_in_known(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> httpx.Response:
    account = await f.user(session, Role.PERSONAL_ADVISER)
    return await attempt(client, account.email, f.PASSWORD)


async def sign_in_unknown(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> httpx.Response:
    # The dummy hash checked for an account that does not exist.
    return await attempt(client, "nobody-here@test.example", f.PASSWORD)


async def change_password(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> httpx.Response:
    account = await f.user(session, Role.CARE_LEAVER, care_leaver=await f.care_leaver(session))
    token = await f.token_for(session, settings, account)
    return await client.post(
        "/v1/me/password",
        json={"current_password": f.PASSWORD, "new_password": "a brand new passphrase"},
        headers=f.bearer(token),
    )


@pytest.mark.parametrize(
    ("gated", "request_", "status"),
    [
        ("verify", sign_in_known, 200),
        ("verify", sign_in_unknown, 401),
        ("verify", change_password, 204),
        ("hash", change_password, 204),
    ],
    ids=["sign-in", "unknown-account", "password-check", "new-password-hash"],
)
async def test_the_app_answers_while_a_password_is_hashed(
    gated: str,
    request_: Request,
    status: int,
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hasher = GatedHasher(gated)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    answered: list[str] = []

    async def slow() -> httpx.Response:
        response = await request_(client, session, settings)
        answered.append("password")
        return response

    task = asyncio.create_task(slow())
    assert await asyncio.to_thread(hasher.started.wait, GIVE_UP_SECONDS), "the hash never started"
    live = await client.get("/health/live")
    answered.append("live")
    hasher.release.set()
    response = await task
    assert live.status_code == 200
    assert response.status_code == status, response.text
    assert hasher.opened, "the health check could not be answered while the hash was held"
    assert answered == ["live", "password"]
