"""Helpers for the sign-in tests."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx

# `from_address(address, **settings)` (tests/auth/conftest.py).
FromAddress = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


async def attempt(client: httpx.AsyncClient, email: str, password: str = "wrong password") -> httpx.Response:
    return await client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": email, "password": password}
    )


def without_request_id(response: httpx.Response) -> dict[str, object]:
    return {k: v for k, v in response.json().items() if k != "request_id"}
