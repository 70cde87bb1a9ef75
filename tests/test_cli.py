"""The management CLI: every command explains itself, and demo data never loads outside demo mode."""

from __future__ import annotations

import os
import subprocess
import sys
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
