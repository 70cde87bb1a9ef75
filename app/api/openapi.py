"""The OpenAPI document: generated from the routes, then made consistent for generated clients."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.api.problems import (
    PROBLEM_MEDIA_TYPE,
    Problem,
    ValidationProblem,
    default_problem_example,
    describe_status,
    problem_codes,
)

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

CONTACT = {"name": "Local Offer API team", "url": "https://local-offer.uk/"}

TAGS: list[dict[str, str]] = [
    {
        "name": "Sign-in",
        "description": "OAuth 2.0 tokens (password and refresh grants), signing out, and who you are. "
        "Council staff may also use tokens from their council's identity provider.",
    },
    {
        "name": "Devices",
        "description": "The phones a young person signed in on: they register each one (with its push token, "
        "never shown back) and revoke a lost one, as their personal adviser can; revoking ends that sign-in "
        "at once.",
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
        "name": "Claims and payments",
        "description": "Claims against the allowances in a young person's offer, approved by a team manager "
        "(two people above the council's threshold), paid exactly once (`Idempotency-Key`), never over the cap: "
        "balances are sums over an append-only ledger. The spending report feeds the council's finance system.",
    },
    {
        "name": "Status letters",
        "description": "Signed letters confirming a young person's care-leaver status (for the apprenticeship "
        "care leavers' bursary, a college, a landlord): a JWS signed with the council's key (published at "
        "`/.well-known/jwks.json`), printable with a QR code, and verifiable by anyone with no account.",
    },
    {
        "name": "Offline sync",
        "description": "The app's one way to stay up to date and to send what was done offline: a snapshot, "
        "then only what changed since a cursor (deletions as tombstones), and changes pushed one by one "
        "with a result each (applied, duplicate, conflict, rejected); nothing is ever overwritten silently.",
    },
    {
        "name": "Partners",
        "description": "Narrow views for partner organisations, e.g. a district council's council-tax exemptions.",
    },
    {
        "name": "Webhooks",
        "description": "Events POSTed to a council's or a partner's own endpoint (a claim awaits approval, a "
        "district's list changed), signed Standard Webhooks style, delivered at least once with backoff; "
        "receivers de-duplicate on `webhook-id`. What gives up is a dead letter a council admin can replay.",
    },
    {
        "name": "Notifications",
        "description": "What the app tells a young person (a claim decided, an exemption confirmed, a new "
        "adviser, a new offer, a review or an action due, the 21Plus birthday message), also pushed through "
        "the council's gateway as `notification.created` webhooks, held in its quiet hours.",
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


_INTEGER = {"type": "integer", "minimum": 0}
# Headers every response with that status carries (RFC 9110 s10.2.3, RFC 6750 s3).
ERROR_HEADERS: dict[str, dict[str, Any]] = {
    "401": {"WWW-Authenticate": {"description": "The bearer challenge", "schema": {"type": "string"}}},
    "429": {"Retry-After": {"description": "Seconds to wait before trying again", "schema": _INTEGER}},
    "503": {"Retry-After": {"description": "Seconds to wait before trying again", "schema": _INTEGER}},
}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    spec = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version="3.1.0",
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        servers=app.servers or None,
        contact=app.contact,
    )
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    # FastAPI's own validation error shapes are never returned; keep generated clients free of them.
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    _ensure_problem_schemas(components)
    codes = problem_codes()
    components["Problem"]["properties"]["code"]["enum"] = list(codes)
    components["ValidationProblem"]["properties"]["code"]["enum"] = [
        code for code, problem in codes.items() if problem.status == 422
    ]
    for path_item in spec.get("paths", {}).values():
        for method, operation in path_item.items():
            _complete_operation(method, operation)
    _standard_schemas(spec)
    spec = _named_by_title(spec)
    _restore_nulls_in_examples(spec["components"]["schemas"])
    return spec


def _complete_operation(method: str, operation: dict[str, Any]) -> None:
    # Routes that need no principal have no security requirement of their own: say they are public.
    operation.setdefault("security", [])
    responses = operation.setdefault("responses", {})
    if method != "get":
        # Any write can meet another saved at the same moment on a unique key (resource.conflict).
        responses.setdefault("409", {"description": "Conflicts with a change saved at the same time"})
    if "requestBody" in operation:
        responses.setdefault("400", {"description": describe_status(400)})
        responses.setdefault("413", {"description": describe_status(413)})
    responses.setdefault("500", {"description": describe_status(500)})
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400:
            _problem_response(status, response)
    if "428" in responses:
        # The server answers 428 without If-Match, so for a client the header is required.
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "header" and parameter["name"].lower() == "if-match":
                parameter["required"] = True
                parameter["schema"] = _not_null(parameter["schema"])


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [X, null]` as X, keeping the description, title and examples."""
    rest = {key: value for key, value in schema.items() if key != "anyOf"}
    branches = [branch for branch in schema.get("anyOf", []) if branch.get("type") != "null"]
    return {**branches[0], **rest} if len(branches) == 1 else schema


def _problem_response(status: str, response: dict[str, Any]) -> None:
    """Errors are problem+json (RFC 9457), whatever FastAPI's default would say, each with an example."""
    examples: dict[str, Any] = {}
    for media in response.get("content", {}).values():
        examples.update(media.get("examples", {}))
    if not examples or status == "422":
        # Whatever else an operation refuses with 422, it validates its input first.
        examples = {**default_problem_example(int(status)), **examples}
    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _problem_ref(status), "examples": examples}}
    if status == "422":
        response["description"] = describe_status(422)
    if status in ERROR_HEADERS:
        response["headers"] = {**ERROR_HEADERS[status], **response.get("headers", {})}


def _standard_schemas(node: Any) -> None:
    """Make every schema one a generator reads: files are binary; no pydantic-only keywords."""
    if isinstance(node, dict):
        if node.get("contentMediaType") == "application/octet-stream" and node.get("type") == "string":
            node["format"] = "binary"  # OpenAPI 3.0's spelling, which openapi-python-client needs
        if node.get("format") in ("date", "date-time"):
            # Pydantic writes the bounds of a date as `ge`/`le`, which JSON Schema does not know.
            for keyword in ("ge", "le", "gt", "lt"):
                node.pop(keyword, None)
        for value in node.values():
            _standard_schemas(value)
    elif isinstance(node, list):
        for value in node:
            _standard_schemas(value)


def _named_by_title(spec: dict[str, Any]) -> dict[str, Any]:
    """Key every schema by the class name clients will see, and refuse two schemas with one name.

    FastAPI keys a name used by two modules by module path (`app__entitlements__schemas__ReasonRead`),
    and generics and form bodies by pydantic's spelling (`Page_AdviserRead_`, `Body_import_care_leavers`);
    generators name classes after `title`, so two schemas titled alike collide and are dropped.
    """
    schemas = spec["components"]["schemas"]
    names: dict[str, str] = {}
    for key, schema in schemas.items():
        title = schema.get("title", key)
        if title.startswith("Body_"):  # FastAPI's form bodies: "Body_import_care_leavers"
            title = "".join(part.capitalize() for part in title.removeprefix("Body_").split("_")) + "Body"
            schema["title"] = title
        if title in names.values():
            clash = next(k for k, t in names.items() if t == title)
            raise ValueError(f"two schemas are named {title}: {clash} and {key}; rename one class")
        names[key] = title
    text = json.dumps(spec)
    for key, title in names.items():
        if key != title:
            text = text.replace(f'"#/components/schemas/{key}"', f'"#/components/schemas/{title}"')
    renamed: dict[str, Any] = json.loads(text)
    renamed["components"]["schemas"] = {
        names[key]: schema for key, schema in renamed["components"]["schemas"].items()
    }
    return renamed


def _restore_nulls_in_examples(schemas: dict[str, Any]) -> None:
    """Put back the nulls FastAPI strips from the document (it encodes it with `exclude_none`).

    An example that omits a field the API sends as `null` contradicts its own schema (the field is
    required) and teaches a client that the field may be missing.
    """
    for name, models in _models_with_examples().items():
        if name not in schemas:
            continue
        if len(models) > 1:
            raise ValueError(f"two schema classes are named {name}: {models}; rename one")
        extra = models[0].model_config.get("json_schema_extra")
        assert isinstance(extra, dict)
        schemas[name]["examples"] = jsonable_encoder(extra["examples"])


def _models_with_examples() -> dict[str, list[type[BaseModel]]]:
    """The app's pydantic classes whose configuration gives examples, by class name."""
    found: dict[str, list[type[BaseModel]]] = {}
    pending: list[type[BaseModel]] = [BaseModel]
    seen: set[type[BaseModel]] = set()
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        pending.extend(cls.__subclasses__())
        extra = cls.model_config.get("json_schema_extra")
        if cls.__module__.startswith("app.") and isinstance(extra, dict) and "examples" in extra:
            found.setdefault(cls.__name__, []).append(cls)
    return found


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
