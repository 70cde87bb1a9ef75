"""Bounds on what a client sends: dates inside stated ranges, search text matched literally, and no
request body read without limit whatever the method."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Receive, Scope, Send

from app.api.middleware import BodyLimitMiddleware
from app.auth.enums import ConsentRecipient
from app.core.clock import uk_today
from tests.support import factories as f
from tests.support.world import World

EARLIEST = "1900-01-01"
OUT_OF_RANGE = ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"]
DATE_KEYWORDS = {"type", "format", "pattern", "description", "title", "examples"}


def field_error(response: httpx.Response, field: str) -> dict[str, str]:
    assert response.status_code == 422, response.text
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert field in errors, errors
    return errors[field]


def new_record(date_of_birth: str) -> dict[str, Any]:
    return {
        "case_reference": f"B-{date_of_birth}",
        "given_name": "Bo",
        "family_name": "Unds",
        "date_of_birth": date_of_birth,
    }


# Dates of birth: one range, 1900-01-01 to today, wherever one is sent.


@pytest.mark.parametrize("born", [*OUT_OF_RANGE, "tomorrow"])
async def test_a_date_of_birth_outside_1900_to_today_is_refused_by_every_operation(
    born: str, client: httpx.AsyncClient, world: World
) -> None:
    born = (uk_today() + timedelta(days=1)).isoformat() if born == "tomorrow" else born
    admin = world.headers("admin_city")
    created = await client.post("/v1/care-leavers", json=new_record(born), headers=admin)
    corrected = await client.patch(
        f"/v1/care-leavers/{world.id('p_a1')}", json={"date_of_birth": born}, headers=admin
    )
    checked = await client.post(
        "/v1/eligibility/check", json={"local_authority": "E10000024", "facts": {"date_of_birth": born}}
    )
    code = "greater_than_equal" if born < EARLIEST else "less_than_equal"
    for response, field in (
        (created, "date_of_birth"),
        (corrected, "date_of_birth"),
        (checked, "facts.date_of_birth"),
    ):
        error = field_error(response, field)
        assert error["code"] == code, error
    csv = f"case_reference,given_name,family_name,date_of_birth\nB-1,Bo,Unds,{born}\n"
    imported = await client.post(
        "/v1/care-leavers/imports", files={"file": ("export.csv", csv.encode(), "text/csv")}, headers=admin
    )
    assert imported.status_code == 422, imported.text
    [row] = imported.json()["report"]["rows"]
    assert [e["field"] for e in row["errors"]] == ["date_of_birth"]


async def test_the_ends_of_the_date_of_birth_range_are_accepted(
    client: httpx.AsyncClient, world: World
) -> None:
    for born in (EARLIEST, uk_today().isoformat()):
        response = await client.post(
            "/v1/care-leavers", json=new_record(born), headers=world.headers("admin_city")
        )
        assert response.status_code == 201, response.text
        assert response.json()["date_of_birth"] == born


# Other dates: 1900-01-01 to 2100-12-31; dates asked "as of" and the contact log from 2000-01-01.


@pytest.mark.parametrize("day", OUT_OF_RANGE)
async def test_a_date_outside_its_range_is_a_422_naming_it_in_bodies_and_queries(
    day: str, client: httpx.AsyncClient, world: World
) -> None:
    person = f"/v1/care-leavers/{world.id('p_a1')}"
    pa = world.headers("pa_a1")
    circumstance = {"kind": "parenthood", "valid_from": day, "is_parent": True}
    answers = {
        "parenthood.valid_from": await client.post(f"{person}/circumstances", json=circumstance, headers=pa),
        "on": await client.get(f"{person}/legal-status", params={"on": day}, headers=pa),
        "occurred_from": await client.get(f"{person}/contacts", params={"occurred_from": day}, headers=pa),
        "due_before": await client.get(
            "/v1/pathway-plans/reviews-due", params={"due_before": day}, headers=pa
        ),
        "occurred_to": await client.get(
            "/v1/audit-events",
            params={"occurred_to": f"{day}T00:00:00+00:00"},
            headers=world.headers("admin_city"),
        ),
    }
    for field, response in answers.items():
        assert field_error(response, field)["code"] in {"greater_than_equal", "less_than_equal"}


async def test_the_last_day_of_2100_is_accepted(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(
        "/v1/pathway-plans/reviews-due", params={"due_before": "2100-12-31"}, headers=world.headers("pa_a1")
    )
    assert response.status_code == 200, response.text


async def test_an_as_of_date_before_2000_is_refused(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get("/v1/local-authorities/E10000024/offer", params={"on": "1999-12-31"})
    assert field_error(response, "on")["code"] == "greater_than_equal"


def request_dates(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every date or date-time schema a client fills in: parameters, and bodies with what they refer to."""
    schemas = document["components"]["schemas"]
    found: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("format") in {"date", "date-time"}:
                found.append((where, node))
            ref = node.get("$ref", "")
            if ref and ref not in seen:
                seen.add(ref)
                walk(schemas[ref.rsplit("/", 1)[1]], ref.rsplit("/", 1)[1])
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                walk(parameter["schema"], f"{method} {path} {parameter['name']}")
            walk(operation.get("requestBody", {}), f"{method} {path} body")
    return found


def test_every_date_a_client_sends_states_its_range_with_standard_keywords(app: FastAPI) -> None:
    dates = request_dates(app.openapi())
    assert len(dates) > 30
    for where, schema in dates:
        # `ge`/`le` are no JSON Schema keywords (Redocly refuses them), and `minimum` is for numbers.
        assert set(schema) <= DATE_KEYWORDS, (where, schema)
        assert "pattern" in schema, where
        pattern = re.compile(schema["pattern"])
        assert not pattern.match("0001-01-01") and not pattern.match("9999-12-31"), where
        assert pattern.match("2026-11-23"), where
    births = {json.dumps(s, sort_keys=True) for where, s in dates if where.endswith("date_of_birth")}
    assert len(births) == 1, births
    [birth] = births
    assert "to today" in json.loads(birth)["description"]


# Search text is matched as characters: `%` and `_` are not wildcards.


async def test_percent_and_underscore_in_a_search_are_literal(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    names = {
        "percent": "Hundred%Sure",
        "underscore": "Snake_Case",
        "slash": "Either/Or",
        "plain": "Plainname",
    }
    ids = {key: (await f.care_leaver(session, family_name=name)).id for key, name in names.items()}

    async def found(q: str) -> set[str]:
        response = await client.get(
            "/v1/care-leavers", params={"q": q, "limit": "100"}, headers=world.headers("admin_city")
        )
        assert response.status_code == 200, response.text
        listed = {item["id"] for item in response.json()["items"]}
        return {key for key, id_ in ids.items() if str(id_) in listed}

    assert await found("%") == {"percent"}
    assert await found("_") == {"underscore"}
    assert await found("/") == {"slash"}  # the escape character itself
    assert await found("d%s") == {"percent"}
    assert await found("e_c") == {"underscore"}
    assert await found("r/o") == {"slash"}
    assert await found("n%e") == set()  # would match "Plainname" as a pattern


# Bodies: limited on every method, GET, HEAD, OPTIONS and DELETE included.


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "DELETE"])
async def test_a_body_over_the_limit_is_refused_on_any_method(
    method: str, client: httpx.AsyncClient, world: World
) -> None:
    url = f"/v1/care-leavers/{world.id('q_ash')}/consents/{ConsentRecipient.DISTRICT_COUNCIL.value}"
    big = b"x" * 1_000_001
    response = await client.request(method, url, content=big, headers=world.headers("pa_n1"))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    # The refused DELETE did nothing: the district council still sees the young person.
    still = await client.get(
        f"/v1/council-tax-exemptions/{world.id('q_ash')}", headers=world.headers("partner_ash")
    )
    assert still.status_code == 200, still.text


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "DELETE"])
async def test_a_streamed_body_is_counted_on_any_method(method: str) -> None:
    read: list[int] = []

    async def reads_everything(scope: Scope, receive: Receive, send: Send) -> None:
        # As a framework does for any route that takes a body: read to the end.
        while True:
            message = await receive()
            read.append(len(message.get("body", b"")))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    limited = BodyLimitMiddleware(reads_everything, max_bytes=1000, upload_max_bytes=1000, upload_suffixes=())

    async def chunks():  # no Content-Length: counted as it arrives
        for _ in range(5):
            yield b"x" * 400

    transport = httpx.ASGITransport(app=limited)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.request(method, "/anything", content=chunks())
    assert response.status_code == 413
    assert sum(read) <= 1200  # stopped at the chunk that passed the limit
