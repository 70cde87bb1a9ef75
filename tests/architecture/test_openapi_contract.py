"""The contract is the product: the committed document is what the app serves, and it is complete."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import httpx
import jsonschema_rs
import pytest
from fastapi import FastAPI

from app.api.openapi import render_openapi
from app.api.problems import PROBLEM_TYPE_BASE, problem_codes
from app.auth.deps import is_public
from app.core.settings import Settings
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


def test_every_schema_is_named_as_clients_will_see_it(spec: dict[str, Any]) -> None:
    # Generators name classes after `title`: two schemas titled alike are dropped, and names like
    # `app__entitlements__schemas__ContactRead` or `Page_AdviserRead_` leak into every client.
    for name, schema in spec["components"]["schemas"].items():
        assert name.isidentifier() and "_" not in name and name[0].isupper(), name
        assert schema.get("title", name) == name, name


def test_every_example_conforms_to_its_schema(spec: dict[str, Any]) -> None:
    # An example that drops a field the API sends as null teaches clients the field may be missing.
    def check(schema: dict[str, Any], value: Any, where: str) -> None:
        validator = jsonschema_rs.Draft202012Validator({"components": spec["components"], **schema})
        errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(value)]
        assert not errors, f"{where}: {errors}"

    for name, schema in spec["components"]["schemas"].items():
        for i, example in enumerate(schema.get("examples", [])):
            check({"$ref": f"#/components/schemas/{name}"}, example, f"{name} example {i}")
    for method, path, op in operations(spec):
        medias = [("request", m) for m in op.get("requestBody", {}).get("content", {}).values()]
        medias += [(s, m) for s, r in op["responses"].items() for m in r.get("content", {}).values()]
        for status, media in medias:
            if "example" in media:
                check(media["schema"], media["example"], f"{method} {path} {status}")
            for key, example in media.get("examples", {}).items():
                check(media["schema"], example["value"], f"{method} {path} {status} {key}")


def test_every_error_status_has_its_own_example_with_a_documented_code(spec: dict[str, Any]) -> None:
    codes = problem_codes()
    assert spec["components"]["schemas"]["Problem"]["properties"]["code"]["enum"] == list(codes)
    for method, path, op in operations(spec):
        for status, response in op["responses"].items():
            if int(status) < 400:
                continue
            examples = response["content"]["application/problem+json"]["examples"]
            assert examples, f"{method} {path} {status} has no example"
            for key, example in examples.items():
                body = example["value"]
                where = f"{method} {path} {status} {key}"
                assert key == body["code"] and body["code"] in codes, where
                assert body["status"] == int(status) == codes[body["code"]].status, where
                assert body["title"] == codes[body["code"]].title, where
                assert body["type"] == PROBLEM_TYPE_BASE + body["code"], where


def test_every_code_the_app_answers_with_is_in_the_enum() -> None:
    # Domain errors are in it by construction; codes written out where a problem is rendered must be too.
    codes = problem_codes()
    literal = []
    for source in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "problem_response":
                code = node.args[1]
                if isinstance(code, ast.Constant):
                    literal.append((source.name, code.value))
    assert literal
    assert [item for item in literal if item[1] not in codes] == []
    assert all("." in code for code in codes), [code for code in codes if "." not in code]


def test_the_readme_error_table_lists_exactly_the_codes() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("| code | status | when |", 1)[1].split("\n\n", 1)[0]
    documented: dict[str, set[int]] = {}
    for row in table.strip().splitlines()[1:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        statuses = {int(s) for s in re.findall(r"\d{3}", cells[1])}
        for code in re.findall(r"`([a-z_.]+)`", cells[0]):
            documented[code] = statuses
    codes = problem_codes()
    assert set(documented) == set(codes), set(documented) ^ set(codes)
    wrong = {code: statuses for code, statuses in documented.items() if codes[code].status not in statuses}
    assert not wrong, wrong


def test_public_operations_say_so_and_others_need_a_token(spec: dict[str, Any], app: FastAPI) -> None:
    public_ids = {route.name for route in api_routes(app) if is_public(route)}
    for _, _, op in operations(spec):
        if op["operationId"] in public_ids:
            assert op["security"] == [], op["operationId"]
        else:
            assert op["security"] == [{"OAuth2": []}], op["operationId"]


def test_if_match_is_required_wherever_the_answer_without_it_is_428(spec: dict[str, Any]) -> None:
    guarded = [(method, path, op) for method, path, op in operations(spec) if "428" in op["responses"]]
    # Every current edit: pathway plans, contact amendments, offer draft changes.
    assert {path.split("/")[2] for _, path, _ in guarded} >= {
        "pathway-plans",
        "care-leavers",
        "local-authorities",
    }
    for method, path, op in guarded:
        (if_match,) = [p for p in op["parameters"] if p["in"] == "header" and p["name"].lower() == "if-match"]
        assert if_match["required"] is True and if_match["schema"]["type"] == "string", f"{method} {path}"


def test_rate_limits_and_unavailability_say_when_to_retry(spec: dict[str, Any]) -> None:
    seen = set()
    for method, path, op in operations(spec):
        for status in ("429", "503"):
            if status in op["responses"]:
                seen.add(status)
                headers = op["responses"][status].get("headers", {})
                assert headers["Retry-After"]["schema"]["type"] == "integer", f"{method} {path} {status}"
    assert seen == {"429", "503"}


def test_files_are_binary(spec: dict[str, Any]) -> None:
    for path in ("/v1/care-leavers/imports", "/v1/care-leavers/care-episode-imports"):
        body = spec["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]
        schema = _resolve(spec, body["schema"])
        assert schema["properties"]["file"]["format"] == "binary", path


def test_contact_and_servers_are_set(spec: dict[str, Any]) -> None:
    assert spec["info"]["contact"]["name"] and spec["info"]["contact"]["url"].startswith("https://")
    # The committed document is generated with the default base URL, so it does not change per machine.
    assert spec["servers"] == [{"url": Settings.model_fields["public_base_url"].default, "description": ANY}]


async def test_servers_follow_the_public_base_url(client_with: Any) -> None:
    async with client_with(public_base_url="https://api.local-offer.example") as client:
        served = (await client.get("/openapi.json")).json()
    assert [server["url"] for server in served["servers"]] == ["https://api.local-offer.example"]
