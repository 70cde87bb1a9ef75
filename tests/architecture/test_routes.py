"""Structure the whole API relies on: every route declares who may call it."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant

from app.auth.deps import current_principal, is_public
from tests.support.routes import api_routes


def _calls(dependant: Dependant) -> set[object]:
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


def test_every_route_is_authenticated_or_explicitly_public(app: FastAPI) -> None:
    undeclared = []
    routes = list(api_routes(app))
    assert len(routes) > 30
    for route in routes:
        if not route.include_in_schema:
            continue  # Swagger UI's own pages
        calls = _calls(route.dependant)
        if current_principal not in calls and not is_public(route):
            undeclared.append(f"{sorted(route.methods)} {route.path}")
        assert not (current_principal in calls and is_public(route)), (
            f"{route.path} is both public and signed-in"
        )
    assert not undeclared, f"make these routes PublicRoute or require a principal: {undeclared}"
