"""The management CLI: every command explains itself, and demo data never loads outside demo mode."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "command", ["migrate", "downgrade", "demo-data", "refresh-contact-dates", "openapi", "serve", "prune"]
)
def test_every_command_has_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_demo_data_refuses_outside_demo_mode(tmp_path: Path) -> None:
    env = {"LOCAL_OFFER_DEMO": "false", "LOCAL_OFFER_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = run_cli("demo-data", env=env)
    assert result.returncode == 2
    assert "LOCAL_OFFER_DEMO=true" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_openapi_check_passes_on_the_committed_document() -> None:
    result = run_cli("openapi", "--check")
    assert result.returncode == 0, result.stderr


def test_an_upgrade_stores_decisions_for_people_recorded_before_them(tmp_path: Path) -> None:
    """A council upgrading from before stored decisions gets its district lists at once, not empty ones."""
    db = tmp_path / "upgrade.db"
    env = {"LOCAL_OFFER_DATABASE_URL": f"sqlite:///{db}", "LOCAL_OFFER_ENVIRONMENT": "test"}
    assert run_cli("migrate", "--revision", "0012", env=env).returncode == 0
    with sqlite3.connect(db) as conn:
        (council,) = conn.execute("SELECT id FROM local_authority WHERE gss_code = 'E10000024'").fetchone()
        conn.execute(
            "INSERT INTO care_leaver (id, local_authority_id, case_reference, given_name, family_name,"
            " date_of_birth, still_looked_after, left_care_on, weeks_looked_after_since_14, created_at,"
            " updated_at) VALUES (?, ?, 'OLD-1', 'Old', 'Record', '2007-03-01', 0, '2025-03-01', 150,"
            " '2026-11-01 00:00:00', '2026-11-01 00:00:00')",
            (uuid.uuid4().hex, council),
        )
    result = run_cli("migrate", env=env)
    assert result.returncode == 0, result.stderr
    assert "Decisions stored for 1 care leavers" in result.stdout + result.stderr
    with sqlite3.connect(db) as conn:
        codes = {c for (c,) in conn.execute("SELECT entitlement_code FROM entitlement_decision")}
    assert "council-tax-exemption" in codes
    again = run_cli("migrate", env=env)  # nothing left to do: one query
    assert again.returncode == 0 and "Decisions stored" not in again.stdout + again.stderr
