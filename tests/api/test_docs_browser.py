"""Swagger UI in headless Chromium, with every host but 127.0.0.1 unresolvable: it works offline, under
its Content-Security-Policy, keeps no token in the browser's storage, and its Logout revokes the sign-in."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.support.live_server import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Any request to the internet (a CDN) fails, so what renders came from the app itself.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    # Swagger UI renders operations as they scroll into view once there are many (about 135 here): a
    # window tall enough for all of them lets the dump and the checks see every one without scrolling.
    "--window-size=1280,40000",
    OFFLINE,
]
# Recorded from the first script that runs on each page: what the page's CSP refused, if anything.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("LOCAL_OFFER_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (scripts/test installs Debian's chromium)")
        pytest.skip("chromium not installed; scripts/test installs it")
    return path


def render(url: str, profile: Path) -> str:
    result = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class Page:
    """One tab, driven over the DevTools protocol: just enough to click, type and read."""

    def __init__(self, socket: ClientConnection, session_id: str) -> None:
        self.socket, self.session_id, self.ids = socket, session_id, count(1000)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self.ids)
        self.socket.send(
            json.dumps({"id": message_id, "method": method, "params": params, "sessionId": self.session_id})
        )
        while True:  # events arrive in between; only the answer to this call matters
            answer = json.loads(self.socket.recv(timeout=30))
            if answer.get("id") == message_id:
                assert "error" not in answer, answer
                return dict(answer.get("result", {}))

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"never true: {expression}")

    def click(self, selector: str) -> None:
        self.wait_for(f"!!document.querySelector({json.dumps(selector)})")
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def type(self, selector: str, text: str) -> None:
        # Real key input, so React sees it as a person typing.
        self.wait_for(f"!!document.querySelector({json.dumps(selector)})")
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=text)


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    port = free_port()
    browser = subprocess.Popen(
        [chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--remote-debugging-port={port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with connect(_browser_socket(port), max_size=None) as socket:
            ids = count(1)

            def call(method: str, **params: Any) -> dict[str, Any]:
                message_id = next(ids)
                socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
                while (answer := json.loads(socket.recv(timeout=30))).get("id") != message_id:
                    pass
                return dict(answer["result"])

            target = call("Target.createTarget", url="about:blank")["targetId"]
            session = call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            tab = Page(socket, session)
            tab.send("Page.enable")
            tab.send("Page.addScriptToEvaluateOnNewDocument", source=RECORD_VIOLATIONS)
            yield tab
    finally:
        browser.terminate()
        browser.wait(timeout=10)


def _browser_socket(port: int) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            version = httpx.get(f"http://127.0.0.1:{port}/json/version", timeout=1).json()
            return str(version["webSocketDebuggerUrl"])
        except (httpx.TransportError, ValueError):
            time.sleep(0.2)
    raise AssertionError("chromium did not open its DevTools port")


def test_swagger_ui_renders_the_operations_offline(live_url: str, tmp_path: Path) -> None:
    dom = render(f"{live_url}/docs", tmp_path / "profile")
    assert 'class="swagger-ui"' in dom
    # Operations are rendered from /openapi.json by Swagger UI's JavaScript, not present in the HTML.
    assert "opblock-summary-path" in dom
    assert "/v1/local-authorities/{gss_code}" in dom
    assert "Get a council and its districts" in dom
    assert "Local Offer API" in dom


def test_swagger_ui_signs_in_keeps_nothing_and_its_logout_revokes_the_sign_in(
    live_url: str, page: Page
) -> None:
    page.send("Page.navigate", url=f"{live_url}/docs")
    page.wait_for("document.querySelectorAll('.opblock').length > 10")
    page.click("button.btn.authorize")
    page.type("#oauth_username", "pa1@nottingham.demo")
    page.type("#oauth_password", "demo")
    page.click(".modal-ux button.btn.modal-btn.auth.authorize")
    tokens = page.wait_for("window.ui.authSelectors.authorized().getIn(['OAuth2', 'token'])?.toJS()")
    signed_in = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert httpx.get(f"{live_url}/v1/me", headers=signed_in).status_code == 200

    # Nothing a script, the next user of a shared PC or a stolen profile could read.
    assert page.evaluate("[localStorage.length, sessionStorage.length, document.cookie]") == [0, 0, ""]

    page.wait_for("[...document.querySelectorAll('.modal-ux button')].some(b => b.textContent === 'Logout')")
    page.evaluate(
        "[...document.querySelectorAll('.modal-ux button')].find(b => b.textContent === 'Logout').click()"
    )
    page.wait_for("window.ui.authSelectors.authorized().size === 0")
    # Revoked on the server, not only forgotten by the page: neither token works any more.
    assert httpx.get(f"{live_url}/v1/me", headers=signed_in).status_code == 401
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    assert httpx.post(f"{live_url}/v1/auth/token", data=refresh).status_code == 401

    # Swagger UI ran whole under the page's policy: it refused nothing the page needed.
    assert page.evaluate("window.__violations") == []
