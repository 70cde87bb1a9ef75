"""Swagger UI works offline: headless Chromium, with every host but 127.0.0.1 unresolvable, renders it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("LOCAL_OFFER_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (scripts/test installs Debian's chromium)")
        pytest.skip("chromium not installed; scripts/test installs it")
    return path


def render(url: str, profile: Path) -> str:
    result = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            f"--user-data-dir={profile}",
            # Any request to the internet (a CDN) fails, so what renders came from the app itself.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--virtual-time-budget=15000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_swagger_ui_renders_the_operations_offline(live_url: str, tmp_path: Path) -> None:
    dom = render(f"{live_url}/docs", tmp_path / "profile")
    assert 'class="swagger-ui"' in dom
    # Operations are rendered from /openapi.json by Swagger UI's JavaScript, not present in the HTML.
    assert "opblock-summary-path" in dom
    assert "/v1/local-authorities/{gss_code}" in dom
    assert "Get a council and its districts" in dom
    assert "Local Offer API" in dom
