"""Clients that reach the app from a chosen network address (the peer uvicorn would report)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from app.core.settings import Settings
from app.db.session import Database
from app.main import create_app
from tests.auth.support import FromAddress


@pytest.fixture
def from_address(settings: Settings, db: Database) -> FromAddress:
    """`from_address("203.0.113.5", **settings)`: a client whose requests arrive from that address, for
    an app built with those settings changed, sharing the test's transaction."""

    @asynccontextmanager
    async def make(address: str, **overrides: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(Settings.model_validate({**settings.model_dump(), **overrides}))
        app.state.db = db
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client

    return make
