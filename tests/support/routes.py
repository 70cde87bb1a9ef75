"""Every operation route of the app, whether added directly or through an included router."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


def api_routes(app: FastAPI) -> Iterator[Any]:
    """APIRoutes, and the effective routes of included routers (FastAPI 0.16x wraps those)."""
    for route in app.router.routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "effective_route_contexts"):
            yield from route.effective_route_contexts()
