"""One unit of work per request: a commit that fails is never reported as success, and leaves nothing."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from app.api.deps import SessionDep
from app.core.settings import Settings
from app.db.session import Database
from app.local_authorities.enums import AuthorityKind
from app.local_authorities.models import LocalAuthority
from app.main import create_app


@pytest.fixture
def app_with_bad_write(settings: Settings) -> FastAPI:
    app = create_app(settings)

    @app.post("/bad-write", status_code=201)
    async def bad_write(session: SessionDep) -> dict[str, str]:
        # Not flushed here: the duplicate GSS code is found only when the unit of work commits.
        session.add(
            LocalAuthority(
                gss_code="E99999999",
                name="Temp",
                short_name="Temp",
                kind=AuthorityKind.UNITARY,
                dfe_la_number=990,
                website="https://x.demo",
            )
        )
        session.add(
            LocalAuthority(
                gss_code="E06000018",
                name="Duplicate",
                short_name="Dup",
                kind=AuthorityKind.UNITARY,
                dfe_la_number=991,
                website="https://x.demo",
            )
        )
        return {"status": "created"}

    return app


async def test_a_failing_commit_is_a_409_problem_and_nothing_is_saved(
    app_with_bad_write: FastAPI, db: Database
) -> None:
    app_with_bad_write.state.db = db
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app_with_bad_write), base_url="http://testserver"
    ) as client:
        response = await client.post("/bad-write")
    assert response.status_code == 409
    assert response.json()["code"] == "resource.conflict"
    assert "uq_" not in response.text  # constraint names stay in the log
    async with db.sessionmaker() as session:
        count = await session.scalar(select(func.count()).where(LocalAuthority.gss_code == "E99999999"))
    assert count == 0
