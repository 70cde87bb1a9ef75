"""The OpenAPI document: generated from the routes, then made consistent for generated clients."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic.json_schema import models_json_schema

from app.api.problems import PROBLEM_MEDIA_TYPE, Problem, ValidationProblem

DESCRIPTION = """\
The Local Offer API tells care leavers what they are entitled to and why, keeps their pathway
plans, and connects them with their personal adviser. Its first users are Nottingham City
Council and Nottinghamshire County Council.

**Conventions.** JSON in snake_case; dates are ISO 8601 (`2026-11-23`), datetimes carry an
offset; money is integer pence with a currency and a display string. Lists are paginated with
an opaque `cursor`: follow `next` until it is null. Every error is an RFC 9457
`application/problem+json` body with a stable `type` and `code`; validation errors list each
field with a JSON pointer. Send `X-Request-ID` to correlate your logs with ours; every response
echoes it.
"""

TAGS: list[dict[str, str]] = [
    {
        "name": "Sign-in",
        "description": "OAuth 2.0 tokens (password and refresh grants), signing out, and who you are. "
        "Council staff may also use tokens from their council's identity provider.",
    },
    {"name": "Local authorities", "description": "Councils and their districts (public reference data)."},
    {
        "name": "Local Offer",
        "description": "Each council's published offer: entitlements, rules, dated amounts and their "
        "sources. Public; conditional GET with ETag and If-None-Match.",
    },
    {
        "name": "Local Offer management",
        "description": "A council's administrators change its offer: start a draft, add, replace, remove or "
        "withdraw entitlements, publish. Their own council only; every change sends the draft's ETag in "
        "If-Match and is audited.",
    },
    {
        "name": "Eligibility",
        "description": "What a young person could get, on a date, with the reasons in plain English. Public.",
    },
    {
        "name": "Care leavers",
        "description": "The young person's record, their personal adviser and their consents to share. "
        "You see only the people your role, council, team and caseload allow; others answer 404.",
    },
    {
        "name": "Personal advisers",
        "description": "Advisers, their caseloads, the queue of young people due an adviser, the 21-plus "
        "queue, and for the app: how to reach my adviser.",
    },
    {
        "name": "Contacts",
        "description": "The contact log (a legal record: amendments add versions, nothing is overwritten), "
        "follow-up actions, call-back requests from young people, each council's contact policy by age, "
        "and who is overdue a contact. Summaries are for staff only; partners never see contacts.",
    },
    {
        "name": "Pathway plans",
        "description": "Plans written with the young person, reviewed at least every six months and when life "
        "changes, authorised by a team manager, never lost: versions, the review queue, the young person's "
        "view and comments, a printable copy, and the board measure. Changes need `If-Match`.",
    },
    {
        "name": "Partners",
        "description": "Narrow views for partner organisations, e.g. a district council's council-tax exemptions.",
    },
    {"name": "Accounts", "description": "Accounts, teams and partner organisations (administrators)."},
    {"name": "Audit", "description": "Who looked at or changed whose data. Append-only."},
    {"name": "Operations", "description": "Liveness and readiness for load balancers and orchestrators."},
]


def operation_id(route: APIRoute) -> str:
    """Operation ids are the handler names (`list_local_authorities`): stable and readable in clients."""
    return route.name


def _problem_ref(status: str) -> dict[str, Any]:
    name = "ValidationProblem" if status == "422" else "Problem"
    return {"$ref": f"#/components/schemas/{name}"}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    spec = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version="3.1.0",
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        servers=app.servers or None,
    )
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    for path_item in spec.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            if method != "get":
                # Any write can meet another saved at the same moment on a unique key (resource.conflict).
                responses.setdefault("409", {"description": "Conflicts with a change saved at the same time"})
            if "requestBody" in operation:
                responses.setdefault(
                    "400", {"description": "The body cannot be parsed (not JSON, or not UTF-8)"}
                )
                responses.setdefault("413", {"description": "The body is over the size limit"})
            responses.setdefault(
                "500",
                {"description": "Unexpected error; the body carries the request id, never internals"},
            )
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400:
                    # Errors are problem+json (RFC 9457), whatever FastAPI's default would say.
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _problem_ref(status)}}
                    if status == "422":
                        response["description"] = "A field is not valid; `errors` says which and why"
    # FastAPI's own validation error shapes are never returned; keep generated clients free of them.
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    _ensure_problem_schemas(components)
    return spec


def _ensure_problem_schemas(components: dict[str, Any]) -> None:
    if "Problem" in components and "ValidationProblem" in components:
        return
    _, defs = models_json_schema(
        [(Problem, "serialization"), (ValidationProblem, "serialization")],
        ref_template="#/components/schemas/{model}",
    )
    for name, schema in defs.get("$defs", {}).items():
        components.setdefault(name, schema)


def install_openapi(app: FastAPI) -> None:
    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = custom_openapi  # type: ignore[method-assign]


def render_openapi(app: FastAPI) -> str:
    """The committed form of the document: stable key order, two-space indent, trailing newline."""
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"
