"""X-Request-ID is echoed or generated; one JSON access-log line per request, with no personal data."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from app.core.logging import JsonFormatter


async def test_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"


async def test_request_id_is_generated_when_absent(client: httpx.AsyncClient) -> None:
    first = (await client.get("/health/live")).headers["x-request-id"]
    second = (await client.get("/health/live")).headers["x-request-id"]
    assert len(first) == 32 and first != second


async def test_a_request_id_that_could_forge_log_lines_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": 'evil\tid {"level":"x"}'})
    assert response.headers["x-request-id"] != 'evil\tid {"level":"x"}'
    assert len(response.headers["x-request-id"]) == 32


async def test_access_log_has_route_template_not_the_raw_path(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.access")
    response = await client.get("/v1/local-authorities/E10000024?name=Jane+Doe")
    records = [r for r in caplog.records if r.name == "app.access"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["method"] == "GET"
    assert line["path"] == "/v1/local-authorities/{gss_code}"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response.headers["x-request-id"]
    assert "Jane" not in json.dumps(line) and "E10000024" not in json.dumps(line)
