from __future__ import annotations

from pathlib import Path

import httpx

from app.core.settings import Environment, Settings
from app.main import create_app
from tests.support.databases import ON_POSTGRES, downgrade, migrate, throwaway_database


async def test_live_answers_without_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_reports_the_schema_revision(client: httpx.AsyncClient, project_root: Path) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    head = (project_root / "migrations" / "HEAD").read_text().strip()
    assert response.json() == {"status": "ready", "database": "ok", "schema_revision": head}


async def _ready(url: str) -> httpx.Response:
    app = create_app(Settings(database_url=url, environment=Environment.TEST))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            return await client.get("/health/ready")
    finally:
        await app.state.db.dispose()


async def test_not_ready_when_the_database_is_unreachable(tmp_path: Path) -> None:
    if ON_POSTGRES:
        url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    else:
        (tmp_path / "corrupt.db").write_bytes(b"this is not a SQLite database" * 100)
        url = f"sqlite:///{tmp_path / 'corrupt.db'}"
    response = await _ready(url)
    assert response.status_code == 503
    assert response.json()["code"] == "server.not_ready"
    assert response.headers["retry-after"]


async def test_not_ready_when_the_schema_is_behind(tmp_path: Path) -> None:
    with throwaway_database(tmp_path, "behind") as url:
        migrate(url)
        downgrade(url, "-1")
        response = await _ready(url)
    assert response.status_code == 503
    assert response.json()["code"] == "server.not_ready"
    assert "python -m app migrate" in response.json()["detail"]
