"""Migrations run up and down on both databases, and the models agree with them exactly."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from app.cli import alembic_config
from app.db.engine import sync_url
from app.models import target_metadata
from tests.support.databases import downgrade, migrate, throwaway_database

ROOT = Path(__file__).resolve().parents[2]


def test_upgrade_downgrade_upgrade_from_empty(tmp_path: Path) -> None:
    with throwaway_database(tmp_path, "updown") as url:
        migrate(url)
        engine = create_engine(sync_url(url))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM district")).scalar_one() == 7
        downgrade(url, "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        migrate(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM local_authority")).scalar_one() == 2
        engine.dispose()


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "compare_server_default": True, "target_metadata": target_metadata},
        )
        differences = compare_metadata(context, target_metadata)
    engine.dispose()
    assert differences == [], f"models and migrations disagree; add a migration: {differences}"


def test_one_head_recorded_in_head_file() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    heads = script.get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"
    assert heads == [(ROOT / "migrations" / "HEAD").read_text().strip()]


def test_migrations_never_import_app_code() -> None:
    # A migration must keep working after the models it was written against have changed.
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("app"), f"{path.name} imports {node.module}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("app") for a in node.names), path.name


def test_migration_files_are_numbered_and_dated() -> None:
    names = sorted(p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))
    for number, name in enumerate(names, start=1):
        assert name.startswith(f"{number:04d}_20"), name
