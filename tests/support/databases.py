"""Throwaway databases for tests: a SQLite file, or a fresh PostgreSQL database on the test server.

LOCAL_OFFER_TEST_DATABASE_URL points at a PostgreSQL server (any database on it) to run the suite
there; unset, the suite runs on SQLite. `scripts/test` runs it both ways.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from alembic import command
from sqlalchemy.engine import make_url

from app.cli import alembic_config

TEST_DATABASE_URL = os.environ.get("LOCAL_OFFER_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgres")


@contextmanager
def throwaway_database(directory: Path, label: str) -> Iterator[str]:
    """Yield the URL of a new, empty database; drop it afterwards."""
    if not ON_POSTGRES:
        yield f"sqlite:///{directory / f'{label}.db'}"
        return
    server = make_url(TEST_DATABASE_URL)
    name = f"lo_test_{label}_{uuid.uuid4().hex[:8]}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str, revision: str = "head") -> None:
    config = alembic_config(url)
    config.attributes["configure_logger"] = False
    command.upgrade(config, revision)


def load_demo_data(url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "app", "demo-data"],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "LOCAL_OFFER_DATABASE_URL": url, "LOCAL_OFFER_DEMO": "true"},
        check=True,
        capture_output=True,
        timeout=300,
    )


def downgrade(url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["configure_logger"] = False
    command.downgrade(config, revision)
