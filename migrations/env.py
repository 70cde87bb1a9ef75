"""Alembic environment: migrations run synchronously (pysqlite or psycopg) against LOCAL_OFFER_DATABASE_URL."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, event, pool

from app.core.settings import get_settings
from app.db.engine import configure_sqlite, ensure_sqlite_directory, sync_url
from app.models import target_metadata

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    # A caller (tests, the CLI) may pass a URL or a connection; otherwise the settings decide.
    explicit = config.attributes.get("database_url")
    return str(explicit) if explicit else get_settings().database_url


def _configure(connection: object) -> None:
    is_sqlite = connection.dialect.name == "sqlite"  # type: ignore[attr-defined]
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=is_sqlite,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        compare_server_default=True,
    )


def run_migrations_offline() -> None:
    context.configure(url=sync_url(_url()), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = _url()
    ensure_sqlite_directory(url)
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine)

        # Batch mode rebuilds a table by copying it and dropping the original, which SQLite's foreign
        # key enforcement forbids while other tables point at it. Enforcement is off while migrating
        # (the pragma only works outside a transaction) and the whole database is checked at the end.
        @event.listens_for(engine, "connect")
        def _foreign_keys_off(dbapi_connection: object, _record: object) -> None:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.close()
    else:
        # Fail fast rather than queue behind a long transaction while holding locks (PostgreSQL).
        @event.listens_for(engine, "connect")
        def _timeouts(dbapi_connection: object, _record: object) -> None:
            with dbapi_connection.cursor() as cursor:  # type: ignore[attr-defined]
                cursor.execute("SET lock_timeout = '10s'")
            dbapi_connection.commit()  # type: ignore[attr-defined]

    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
            if connection.dialect.name == "sqlite":
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"migration left rows pointing at nothing: {problems[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
