"""Shared fixtures: one migrated database per run, one rolled-back transaction per test, the real app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from app.core.settings import Environment, Settings
from app.db.engine import create_engine_for
from app.db.session import Database
from app.main import create_app
from tests.support.clock import ManualClock
from tests.support.databases import load_demo_data, migrate, throwaway_database
from tests.support.live_server import live_server
from tests.support.world import World, build_world


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(tmp_path_factory.mktemp("db"), "main") as url:
        migrate(url)
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, environment=Environment.TEST, demo=False, log_level="INFO")


@pytest.fixture(scope="session")
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_for(settings)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction that is rolled back after the test: nothing persists."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            yield conn
        finally:
            await transaction.rollback()


@pytest.fixture
async def db(app: FastAPI, engine: AsyncEngine, connection: AsyncConnection) -> AsyncIterator[Database]:
    """The app's database, with every session joined to the test's transaction through a SAVEPOINT.

    A request's commit releases its savepoint and a failure rolls back to it, exactly as a real
    unit of work would, while the outer transaction keeps the test isolated.
    """
    test_db = Database(engine)
    test_db.sessionmaker = async_sessionmaker(
        bind=connection, expire_on_commit=False, autoflush=False, join_transaction_mode="create_savepoint"
    )
    original = app.state.db
    app.state.db = test_db
    # What the app remembers of each council's current offer was read in another test's transaction.
    app.state.current_offers.clear()
    try:
        yield test_db
    finally:
        app.state.db = original
        app.state.current_offers.clear()


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    """A session for arranging data; flush, never commit (the test transaction is rolled back)."""
    async with db.sessionmaker() as session:
        yield session


@pytest.fixture
async def client(app: FastAPI, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server in demo mode on its own database (writes there never touch the per-test transaction).

    The per-address sign-in limit is raised: a fuzzer's thousand bad passwords from 127.0.0.1 would
    otherwise lock every test identity out.
    """
    directory = tmp_path_factory.mktemp("live")
    with throwaway_database(directory, "live") as url:
        migrate(url)
        load_demo_data(url)
        with live_server(
            url, directory / "server.log", demo="true", sign_in_max_failures_per_address="1000000"
        ) as base:
            yield base


@pytest.fixture
async def world(session: AsyncSession, settings: Settings) -> World:
    return await build_world(session, settings)


@pytest.fixture
def client_with(
    settings: Settings, db: Database
) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """A client for an app built with some settings changed, sharing the test's transaction."""

    @asynccontextmanager
    async def make(**overrides: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings.model_copy(update=overrides))
        app.state.db = db
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client

    return make


@pytest.fixture
def offers_clock(app: FastAPI) -> Iterator[ManualClock]:
    """The clock by which the app judges its memory of current offers fresh (app.entitlements.published)."""
    offers = app.state.current_offers
    clock, original = ManualClock(), offers.clock
    offers.clock = clock
    try:
        yield clock
    finally:
        offers.clock = original


@pytest.fixture
def count_queries(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement the app runs while the test is running (to prove a constant number)."""
    statements: list[str] = []

    def before(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)
