"""The database handle the app holds, and the unit of work each request runs in."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

AfterRollback = Callable[[AsyncSession], Awaitable[None]]
_AFTER_ROLLBACK = "after_rollback"
_AFTER_COMMIT = "after_commit"


def after_rollback(session: AsyncSession, write: AfterRollback) -> None:
    """Ask the unit of work to run `write` in a fresh transaction if this one is rolled back.

    For records that must survive the failure they describe: a refused sign-in, a replayed refresh token.
    """
    session.info.setdefault(_AFTER_ROLLBACK, []).append(write)


def after_commit(session: AsyncSession, effect: Callable[[], None]) -> None:
    """Ask the unit of work to run `effect` once this transaction has committed (never if it rolls back).

    For what other requests may see only once the change is durable: forgetting a cached answer.
    """
    session.info.setdefault(_AFTER_COMMIT, []).append(effect)


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
                session.info.pop(_AFTER_COMMIT, None)
                await session.rollback()
                await self._run_after_rollback(session.info.pop(_AFTER_ROLLBACK, []))
                raise
            for effect in session.info.pop(_AFTER_COMMIT, []):
                effect()

    async def _run_after_rollback(self, writes: list[AfterRollback]) -> None:
        if not writes:
            return
        try:
            async with self.sessionmaker() as fresh:
                for write in writes:
                    await write(fresh)
                await fresh.commit()
        except Exception:
            # The original error is what the client must see; this one goes to the log.
            log.exception("could not record after rollback")

    async def dispose(self) -> None:
        await self.engine.dispose()


async def insert_or_raise(session: AsyncSession, row: object, error: Exception) -> None:
    """Add `row` and flush it in a savepoint; a unique-key clash raises `error` and leaves the
    session usable (the rest of the unit of work is unaffected)."""
    # Flush what is already pending first: beginning a savepoint autoflushes, and a row added before
    # it would be written outside the savepoint, where its clash would roll back the whole transaction.
    await session.flush()
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError as exc:
        raise error from exc
