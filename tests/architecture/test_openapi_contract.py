"""The contract is the product: the committed document is what the app serves, and it is complete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.api.openapi import render_openapi
from tests.support.routes import api_routes

ROOT = Path(__file__).resolve().parents[2]
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return json.loads((ROOT / "openapi" / "openapi.json").read_text())


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


async def test_served_document_equals_the_committed_file(client: httpx.AsyncClient, app: FastAPI) -> None:
    served = (await client.get("/openapi.json")).json()
    committed = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    assert served == committed, "openapi/openapi.json is stale: run `python -m app openapi`"
    assert render_openapi(app) == (ROOT / "openapi" / "openapi.json").read_text()


def test_is_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")


def test_operation_ids_are_unique_and_readable(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(spec)]
    assert len(ids) == len(set(ids))
    assert all(i.replace("_", "").isalnum() and i.islower() for i in ids), ids


def test_every_operation_is_documented(spec: dict[str, Any]) -> None:
    tag_names = {t["name"] for t in spec.get("tags", [])}
    for method, path, op in operations(spec):
        where = f"{method} {path}"
        assert op.get("summary"), f"{where} has no summary"
        assert op.get("description"), f"{where} has no description"
        assert op.get("tags") and set(op["tags"]) <= tag_names, f"{where} has an undeclared tag"
        errors = {s: r for s, r in op["responses"].items() if s.isdigit() and int(s) >= 400}
        assert "500" in errors, where
        for status, response in errors.items():
            assert list(response["content"]) == ["application/problem+json"], f"{where} {status}"


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _has_example(spec: dict[str, Any], media: dict[str, Any]) -> bool:
    if "example" in media or "examples" in media:
        return True
    schema = _resolve(spec, media.get("schema", {}))
    if "examples" in schema:
        return True
    choices = schema.get("oneOf") or schema.get("anyOf")
    if choices:  # a union body: every variant shows an example
        return all("examples" in _resolve(spec, choice) for choice in choices)
    if schema.get("type") == "array" and "items" in schema:
        return "examples" in _resolve(spec, schema["items"])
    # A page: its item schema carries the example.
    items = schema.get("properties", {}).get("items")
    return bool(items) and "examples" in _resolve(spec, items.get("items", {}))


def test_every_body_has_an_example(spec: dict[str, Any]) -> None:
    for method, path, op in operations(spec):
        for status, response in op["responses"].items():
            for media_type, media in response.get("content", {}).items():
                assert _has_example(spec, media), f"{method} {path} {status} {media_type} has no example"
        for media_type, media in op.get("requestBody", {}).get("content", {}).items():
            assert _has_example(spec, media), f"{method} {path} request {media_type} has no example"


def test_every_route_declares_a_response_model(app: FastAPI) -> None:
    # An undeclared return type is 3x slower to serialise and leaves clients guessing.
    routes = [r for r in api_routes(app) if r.include_in_schema]
    assert len(routes) > 30
    for route in routes:
        assert route.response_field is not None or 204 in {getattr(route, "status_code", None)}, route.path
