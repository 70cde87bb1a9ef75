"""`python -m app prune` deletes what can never matter again: forgotten failure counts, spent invitations."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.auth import invitations, throttle
from app.auth.enums import Role, SubjectKind
from app.auth.models import AccountInvitation, SignInThrottle, UserAccount
from app.core.clock import utc_now
from app.core.settings import PROJECT_ROOT, Settings
from app.db.engine import sync_url
from tests.support import factories as f
from tests.support.databases import migrate, throwaway_database


def _throttle_rows(now: datetime) -> list[SignInThrottle]:
    return [
        SignInThrottle(key="pair:recent", failures=4, last_failure_at=now - timedelta(minutes=5)),
        SignInThrottle(key="pair:forgotten", failures=9, last_failure_at=now - timedelta(minutes=61)),
        SignInThrottle(key="account:forgiven", failures=0, last_failure_at=now),
    ]


def _invitations(user_id: uuid.UUID, now: datetime) -> list[AccountInvitation]:
    def invitation(name: str, **times: datetime) -> AccountInvitation:
        times.setdefault("expires_at", now + timedelta(days=1))
        return AccountInvitation(user_id=user_id, code_digest=name.ljust(64, "0"), **times)

    return [
        invitation("open"),
        invitation("used", used_at=now),
        invitation("replaced", revoked_at=now),
        invitation("expired", expires_at=now - timedelta(seconds=1)),
    ]


async def test_prune_keeps_only_what_still_counts(session: AsyncSession, settings: Settings) -> None:
    now = utc_now()
    leaver = await f.user(session, Role.CARE_LEAVER, care_leaver=await f.care_leaver(session))
    session.add_all([*_throttle_rows(now), *_invitations(leaver.id, now)])
    await session.flush()
    tuned = settings.model_copy(update={"sign_in_forget_minutes": 60})
    assert await throttle.prune(session, tuned, now) == 2
    assert await invitations.prune(session, now) == 3
    assert (await session.execute(select(SignInThrottle.key))).scalars().all() == ["pair:recent"]
    kept = (await session.execute(select(AccountInvitation.code_digest))).scalars().all()
    assert [digest.rstrip("0") for digest in kept] == ["open"]


def test_the_prune_command_says_what_it_deleted(tmp_path: Path) -> None:
    with throwaway_database(tmp_path, "prune") as url:
        migrate(url)
        engine = create_engine(sync_url(url))
        now = utc_now()
        with Session(engine) as db:
            user = UserAccount(
                email="prune@test.example",
                display_name="Prune",
                kind=SubjectKind.CARE_LEAVER,
                roles=["care_leaver"],
            )
            db.add(user)
            db.flush()
            db.add_all([*_throttle_rows(now), *_invitations(user.id, now)])
            db.commit()
        result = subprocess.run(
            [sys.executable, "-m", "app", "prune"],
            cwd=PROJECT_ROOT,
            env={
                **os.environ,
                "LOCAL_OFFER_DATABASE_URL": url,
                "LOCAL_OFFER_DATA_DIR": str(tmp_path),
                "COLUMNS": "200",
            },
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "2 stale sign-in throttle rows" in result.stderr
        assert "3 spent or expired invitations" in result.stderr
        with Session(engine) as db:
            assert db.execute(select(SignInThrottle.key)).scalars().all() == ["pair:recent"]
            assert len(db.execute(select(AccountInvitation.id)).all()) == 1
        engine.dispose()
