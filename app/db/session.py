"""The database handle the app holds, and the unit of work each request runs in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker


class Database:
    """An engine and its session factory. Tests swap the factory to bind sessions to one transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # Objects stay usable after commit: responses are built from them after the unit of work ends.
        self.sessionmaker: async_sessionmaker[AsyncSession] = async_sessionmaker(
            engine, expire_on_commit=False, autoflush=False
        )

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """Commit when the block succeeds, roll back when it raises. The only place that commits."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def dispose(self) -> None:
        await self.engine.dispose()
