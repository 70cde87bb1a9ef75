"""Engines for the two databases: SQLite embedded (aiosqlite) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from app.core.settings import Settings


def _normalise(url: str | URL) -> URL:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgres":
        parsed = parsed.set(drivername="postgresql")
    return parsed


def async_url(url: str | URL) -> URL:
    """The driver the app uses: aiosqlite or psycopg (async)."""
    parsed = _normalise(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    raise ValueError(f"unsupported database backend {backend!r}: use sqlite or postgresql")


def sync_url(url: str | URL) -> URL:
    """The driver migrations and CLI tasks use: pysqlite or psycopg (sync)."""
    parsed = _normalise(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+pysqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    raise ValueError(f"unsupported database backend {backend!r}: use sqlite or postgresql")


def ensure_sqlite_directory(url: str | URL) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL, a busy timeout, a larger page cache, and transactions we begin ourselves.

    pysqlite's own transaction handling skips BEGIN before SELECT, which breaks SAVEPOINTs and
    lets two writers deadlock on the lock upgrade. We take the write lock at BEGIN (IMMEDIATE):
    concurrent writers queue on the busy timeout instead of failing with "database is locked".
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        # 64 MiB of pages rather than the default 2 MiB: a council's stored decisions (hundreds of
        # thousands of rows, three indexes) are replaced in one transaction, which otherwise spills
        # dirty pages to the WAL and reads them back all the way through.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine_for(settings: Settings, url: str | URL | None = None) -> AsyncEngine:
    target = url if url is not None else settings.database_url
    ensure_sqlite_directory(target)
    aurl = async_url(target)
    # Bound values (names, dates of birth, case notes) never reach an error message or log line,
    # unless a developer has asked to see every statement.
    kwargs: dict[str, Any] = {"echo": settings.database_echo, "hide_parameters": not settings.database_echo}
    if aurl.get_backend_name() == "postgresql":
        kwargs |= {
            "pool_size": settings.database_pool_size,
            "max_overflow": settings.database_pool_size,
            "pool_pre_ping": True,  # a restarted server costs one failed checkout, not one failed request
        }
    else:
        # SQLite has one writer at a time. One connection per process makes requests queue on the
        # pool (an asyncio wait) instead of on SQLite's busy handler, which sleeps up to 100 ms a try.
        kwargs |= {"pool_size": 1, "max_overflow": 0, "pool_timeout": 30}
    engine = create_async_engine(aurl, **kwargs)
    if aurl.get_backend_name() == "sqlite":
        configure_sqlite(engine.sync_engine)
    return engine
