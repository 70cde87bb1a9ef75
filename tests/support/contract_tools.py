"""The pinned tools that read the contract as clients do (scripts/clients-setup installs them in var/tools)."""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "var" / "tools"
CONTRACT = ROOT / "openapi" / "openapi.json"
PINS = ROOT / "tests" / "clients"


@functools.cache
def _installed() -> Path:
    # Idempotent and quick once installed; it reinstalls only when a pin changed.
    result = subprocess.run(
        [ROOT / "scripts" / "clients-setup"], capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"scripts/clients-setup failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return TOOLS


def node_tool(name: str) -> Path:
    """A command from tests/clients/package.json: redocly, openapi-typescript, tsc."""
    return _installed() / "node" / "node_modules" / ".bin" / name


def python_tool(name: str) -> Path:
    """A command from tests/clients/requirements.txt: openapi-python-client."""
    return _installed() / "python" / "bin" / name


def run_tool(args: list[str | Path], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        # The tools' own virtual environment first: openapi-python-client formats with its ruff.
        "PATH": f"{TOOLS / 'python' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "NO_COLOR": "1",
        # Redocly would otherwise try to send usage data and look for updates (no network here).
        "REDOCLY_TELEMETRY": "off",
        "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    }
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
