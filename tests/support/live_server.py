"""A real uvicorn process serving the app on 127.0.0.1, for tests that need a real HTTP peer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
# As in the Dockerfile: no `server` header, and uvicorn believes no X-Forwarded-* (the app decides).
UVICORN_ARGS = ("app.main:app", "--host", "127.0.0.1", "--no-proxy-headers", "--no-server-header")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(database_url: str, log_path: Path, **env: str) -> Iterator[str]:
    port = free_port()
    environment = {
        **os.environ,
        "LOCAL_OFFER_DATABASE_URL": database_url,
        "LOCAL_OFFER_ENVIRONMENT": "test",
        # As an operator would: the contract's `servers` (where Swagger UI sends requests) is this server.
        "LOCAL_OFFER_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        **{f"LOCAL_OFFER_{k.upper()}": v for k, v in env.items()},
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", *UVICORN_ARGS, "--port", str(port)],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, process, log_path)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_ready(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server not ready in 30 s: {log_path.read_text()[-2000:]}")
