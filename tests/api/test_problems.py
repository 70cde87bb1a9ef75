"""Every error is RFC 9457 problem+json with a stable type, whatever produced it."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from app.api.problems import PROBLEM_TYPE_BASE
from app.core.settings import Settings
from app.main import create_app
from tests.support.world import World


def assert_problem(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == PROBLEM_TYPE_BASE + code
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"] and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


async def test_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/v1/nope"), 404, "request.not_found")
    assert "/docs" in body["detail"]


async def test_wrong_method_is_a_405_problem_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/v1/local-authorities")
    assert_problem(response, 405, "request.method_not_allowed")
    assert response.headers["allow"] == "GET"


async def test_bad_query_parameter_names_the_field(client: httpx.AsyncClient) -> None:
    body = assert_problem(
        await client.get("/v1/local-authorities?limit=1000"), 422, "request.validation_failed"
    )
    assert body["errors"] == [
        {
            "location": "query",
            "pointer": "#/limit",
            "field": "limit",
            "message": "Input should be less than or equal to 100",
            "code": "less_than_equal",
        }
    ]


async def test_several_bad_parameters_are_all_reported(client: httpx.AsyncClient) -> None:
    body = assert_problem(
        await client.get("/v1/local-authorities?limit=zero&cursor=" + "x" * 3000),
        422,
        "request.validation_failed",
    )
    assert {e["field"] for e in body["errors"]} == {"limit", "cursor"}
    assert body["detail"] == "2 fields are not valid: limit, cursor."


@pytest.fixture
def failing_app(settings: Settings) -> FastAPI:
    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    return app


async def test_unexpected_exception_is_a_500_problem_without_internals(
    failing_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    transport = httpx.ASGITransport(app=failing_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/boom", headers={"X-Request-ID": "trace-me-123"})
    body = assert_problem(response, 500, "server.internal_error")
    assert body["request_id"] == "trace-me-123"
    assert "hunter2" not in response.text and "Traceback" not in response.text
    # The traceback is logged, keyed by the same request id, for whoever is on call.
    logged = [r for r in caplog.records if r.name == "app.errors"]
    assert logged and logged[0].exc_info is not None


async def test_a_static_path_beside_an_id_is_never_read_as_an_id(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world.headers("admin_city")
    patch = await client.patch("/v1/advisers/unallocated-young-people", headers=admin, json={})
    assert_problem(patch, 405, "request.method_not_allowed")
    assert patch.headers["allow"] == "GET"
    imports = await client.get("/v1/care-leavers/imports", headers=admin)
    assert imports.headers["allow"] == "POST"
    episodes = await client.get("/v1/care-leavers/care-episode-imports", headers=admin)
    assert episodes.headers["allow"] == "POST"
    # An id that is not a UUID is an address with nothing at it; UUIDs are not case-sensitive.
    assert_problem(await client.get("/v1/care-leavers/not-an-id", headers=admin), 404, "request.not_found")
    upper = str(world.id("p_a1")).upper()
    assert (await client.get(f"/v1/care-leavers/{upper}", headers=admin)).status_code == 200


async def test_a_body_over_the_limit_is_a_413_before_it_is_read(
    client: httpx.AsyncClient, world: World
) -> None:
    url = f"/v1/care-leavers/{world.id('p_a1')}/contacts"
    headers = {**world.headers("pa_a1"), "Content-Type": "application/json"}
    big = b'{"summary": "' + b"x" * 1_100_000 + b'"}'
    declared = await client.post(url, content=big, headers=headers)
    body = assert_problem(declared, 413, "request.too_large")
    assert "1,000,000" in body["detail"]

    async def chunks():  # no Content-Length: counted as it arrives
        for _ in range(12):
            yield b"x" * 100_000

    streamed = await client.post(url, content=chunks(), headers=headers)
    assert_problem(streamed, 413, "request.too_large")


async def test_a_csv_file_over_a_json_body_s_limit_is_read_and_a_huge_cell_is_a_422(
    client: httpx.AsyncClient, world: World
) -> None:
    # 1.2 MB: over the JSON limit, under the upload limit, so it reaches the importer, which refuses
    # a cell longer than the csv module reads (about 128 KB) as a 422 naming the file, not a 500.
    text = (
        "case_reference,given_name,family_name,date_of_birth\n"
        + "HUGE-1,A,"
        + "x" * 1_200_000
        + ",2006-01-01\n"
    )
    response = await client.post(
        "/v1/care-leavers/imports",
        files={"file": ("huge.csv", text.encode(), "text/csv")},
        headers=world.headers("admin_city"),
    )
    body = assert_problem(response, 422, "request.invalid")
    assert body["errors"][0]["field"] == "file"
    assert "field limit" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "body",
    [b'{"local_authority": "E06000018", ', b'{"local_authority": "Caf\xe9"}', b"not json"],
    ids=["truncated", "not-utf-8", "not-json"],
)
async def test_a_body_that_is_not_json_is_a_400_malformed_body(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(
        "/v1/eligibility/check", content=body, headers={"Content-Type": "application/json"}
    )
    problem = assert_problem(response, 400, "request.malformed_body")
    assert "UTF-8" in problem["detail"]
    assert "errors" not in problem


async def test_json_with_a_wrong_field_is_still_a_422_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/eligibility/check", json={"local_authority": "E06000018", "facts": 3})
    body = assert_problem(response, 422, "request.validation_failed")
    assert [e["field"] for e in body["errors"]] == ["facts"]


async def test_a_broken_multipart_body_is_a_400_malformed_body(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        "/v1/care-leavers/imports",
        content=b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nunterminated',
        headers={**world.headers("admin_city"), "Content-Type": "multipart/form-data"},
    )
    assert_problem(response, 400, "request.malformed_body")
