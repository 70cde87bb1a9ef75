"""Dependencies every router uses: the request's unit of work and the settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import Settings
from app.db.session import Database


# Every dependency here is `async def` although none awaits: FastAPI runs a plain `def` dependency in
# the thread pool, a hop there and back on every request (a third of /health/live's time, issue 12).
def database_of(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_database(request: Request) -> Database:
    return database_of(request)


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def unit_of_work(request: Request) -> AsyncIterator[AsyncSession]:
    async with database_of(request).unit_of_work() as session:
        yield session


# scope="function": the commit runs when the handler returns, before the response is sent, so a
# failing commit becomes an error response instead of a 200 for a write that never happened.
SessionDep = Annotated[AsyncSession, Depends(unit_of_work, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


class PublicRoute(APIRoute):
    """An operation deliberately open to anyone: routers of public operations take this as their
    `route_class` (an architecture test checks that every route either is one or requires a principal).

    A route class, not a marker dependency: FastAPI solves every dependency on every request, even one
    that does nothing (about a tenth of /health/live, issue 12).
    """


def is_public(route: object) -> bool:
    """Whether a route (or an included router's effective route for it) is a PublicRoute."""
    return isinstance(getattr(route, "original_route", route), PublicRoute)


# A client-generated key (a UUID is ideal) that makes a create safe to retry: see app/db/idempotency.py.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=128,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="Send a new key per action; a retry with the same key returns what the first request made "
        "(409 `request.idempotency_in_flight` with `Retry-After` while the first is still being handled)",
    ),
]
