"""Sixty guesses at once check no more passwords than the threshold allows.

Against a real server and database (on PostgreSQL when the suite runs there): the per-test transaction
would make the requests take turns, which is exactly what must be proven without it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from app.audit.enums import AuditAction
from app.audit.models import AuditEvent
from app.auth.enums import Role, SubjectKind
from app.auth.models import SignInThrottle, UserAccount
from app.auth.passwords import hash_password
from app.db.engine import sync_url
from tests.support.databases import migrate, throwaway_database
from tests.support.live_server import live_server

pytestmark = pytest.mark.slow

FREE_TRIES = 10
GUESSES = 60
EMAIL, PASSWORD = "racing.pa@test.example", "the right passphrase"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    directory = tmp_path_factory.mktemp("race")
    with throwaway_database(directory, "race") as url:
        migrate(url)
        engine = create_engine(sync_url(url))
        with Session(engine) as session:
            session.add(
                UserAccount(
                    email=EMAIL,
                    display_name="Racing PA",
                    kind=SubjectKind.STAFF,
                    roles=[Role.PERSONAL_ADVISER.value],
                    password_hash=hash_password(PASSWORD),
                )
            )
            session.commit()
        engine.dispose()
        # An hour's wait after the free tries: no guess can slip through by the wait running out.
        with live_server(
            url,
            directory / "server.log",
            sign_in_slowdown_after=str(FREE_TRIES),
            sign_in_first_wait_seconds="3600",
            sign_in_max_wait_seconds="3600",
            sign_in_max_failures_per_address="1000",
            trusted_proxies="127.0.0.1",
        ) as base:
            yield base, url


def _count(url: str, stmt: object) -> int:
    engine = create_engine(sync_url(url))
    try:
        with Session(engine) as session:
            return int(session.execute(stmt).scalar_one())  # type: ignore[call-overload]
    finally:
        engine.dispose()


async def test_parallel_guesses_check_no_more_passwords_than_allowed(server: tuple[str, str]) -> None:
    base, url = server
    attacker = {"X-Forwarded-For": "198.51.100.66"}
    async with httpx.AsyncClient(
        base_url=base, timeout=120, limits=httpx.Limits(max_connections=GUESSES)
    ) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/v1/auth/token",
                    data={"grant_type": "password", "username": EMAIL, "password": f"guess {i}"},
                    headers=attacker,
                )
                for i in range(GUESSES)
            )
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [401] * FREE_TRIES + [429] * (GUESSES - FREE_TRIES), [r.text for r in responses]
        # Every refusal came before the password was looked at: only the free tries were checked.
        failed = _count(
            url,
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == AuditAction.SIGN_IN_FAILED),
        )
        assert failed == FREE_TRIES
        assert _count(url, select(func.max(SignInThrottle.failures))) == FREE_TRIES
        # And the owner, elsewhere, signs in as usual.
        owner = await client.post(
            "/v1/auth/token",
            data={"grant_type": "password", "username": EMAIL, "password": PASSWORD},
            headers={"X-Forwarded-For": "203.0.113.10"},
        )
        assert owner.status_code == 200, owner.text
