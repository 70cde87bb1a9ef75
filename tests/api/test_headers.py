"""Privacy headers on every response the app sends: nothing personal is kept by a browser or a proxy,
nothing is sniffed into a page, and Swagger UI cannot be framed."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from app.core.settings import Settings
from app.main import create_app
from tests.support.world import World

OFFER = "/v1/local-authorities/E10000024/offer"


async def responses_of_every_kind(client: httpx.AsyncClient, world: World) -> dict[str, httpx.Response]:
    person = f"/v1/care-leavers/{world.id('p_a1')}"
    pa = world.headers("pa_a1")
    return {
        "personal data": await client.get(person, headers=pa),
        "my own data": await client.get("/v1/me", headers=pa),
        "a list of people": await client.get("/v1/care-leavers", headers=pa),
        "signed-in 404": await client.get(f"/v1/care-leavers/{world.id('q_ash')}", headers=pa),
        "signed-in 422": await client.get("/v1/care-leavers", params={"limit": "0"}, headers=pa),
        "403": await client.get("/v1/users", headers=pa),
        "401": await client.get(person),
        "unknown address": await client.get("/v1/nowhere"),
        "405": await client.put("/v1/care-leavers", headers=pa),
        "413": await client.post(f"{person}/contacts", content=b"x" * 1_000_001, headers=pa),
        "sign-in refused": await client.post(
            "/v1/auth/token", data={"grant_type": "password", "username": "nobody@x", "password": "x"}
        ),
        "health": await client.get("/health/live"),
        "contract": await client.get("/openapi.json"),
        "public offer": await client.get(OFFER),
        "Swagger UI": await client.get("/docs"),
        "Swagger UI's script": await client.get("/docs/assets/swagger-ui-bundle.js"),
        "our Swagger UI start-up script": await client.get("/docs/swagger-init.js"),
        "a missing asset": await client.get("/docs/assets/nothing.js"),
    }


async def test_every_response_says_nosniff(client: httpx.AsyncClient, world: World) -> None:
    for kind, response in (await responses_of_every_kind(client, world)).items():
        assert response.headers.get("x-content-type-options") == "nosniff", kind


async def test_nothing_is_stored_unless_a_response_sets_its_own_policy(
    client: httpx.AsyncClient, world: World
) -> None:
    """Published data may be kept anywhere; your own (`GET /v1/me/...`) on your own device only, and it is
    checked each time (tests/api/test_if_none_match.py); everything else nowhere."""
    public = {"public offer", "Swagger UI's script"}
    for kind, response in (await responses_of_every_kind(client, world)).items():
        expected = (
            "public, no-cache"
            if kind in public
            else "private, no-cache"
            if kind == "my own data"
            else "no-store"
        )
        assert response.headers.get("cache-control") == expected, (kind, response.status_code)


async def test_an_unchanged_public_offer_keeps_its_policy(client: httpx.AsyncClient) -> None:
    etag = (await client.get(OFFER)).headers["etag"]
    again = await client.get(OFFER, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["cache-control"] == "public, no-cache"
    assert again.headers["x-content-type-options"] == "nosniff"


async def test_json_is_never_a_page_and_the_docs_cannot_be_framed(
    client: httpx.AsyncClient, world: World
) -> None:
    for kind, response in (await responses_of_every_kind(client, world)).items():
        policy = response.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy, kind
        if kind != "Swagger UI":
            assert policy == "default-src 'none'; frame-ancestors 'none'", kind


async def test_swagger_ui_runs_only_our_own_files(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    directives = dict(
        part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";")
    )
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["connect-src"] == "'self'"
    assert "unsafe" not in response.headers["content-security-policy"]
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts and all(" src=" in tag for tag in scripts)
    assert "persistAuthorization: false" in (await client.get("/docs/swagger-init.js")).text


async def test_a_cors_preflight_and_a_500_get_them_too(settings: Settings) -> None:
    app: FastAPI = create_app(settings.model_copy(update={"cors_origins": ["https://app.example"]}))

    @app.get("/boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("a bug")

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        preflight = await client.options(
            "/v1/care-leavers",
            headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
        )
        failed = await client.get("/boom")
    assert preflight.status_code == 200
    assert failed.status_code == 500
    for response in (preflight, failed):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/health/live", "/docs", "/v1/nowhere"])
async def test_the_app_names_no_server_software(path: str, client: httpx.AsyncClient) -> None:
    # uvicorn's own `server` header is turned off where uvicorn is started; the app adds none.
    response = await client.get(path)
    assert "server" not in response.headers
    assert "x-powered-by" not in response.headers
