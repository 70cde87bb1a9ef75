"""RFC 9457 problem details: the one place that maps error kinds to statuses and renders bodies."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.core.errors import DomainError, ErrorKind, json_pointer
from app.core.logging import request_id_var

PROBLEM_MEDIA_TYPE = "application/problem+json"
# Problem types are identifiers, stable across deployments; the README lists every code.
PROBLEM_TYPE_BASE = "https://local-offer.uk/problems/"

log = logging.getLogger("app.problems")

STATUS_FOR_KIND: dict[ErrorKind, int] = {
    ErrorKind.BAD_REQUEST: 400,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.GONE: 410,
    ErrorKind.PRECONDITION_FAILED: 412,
    ErrorKind.TOO_LARGE: 413,
    ErrorKind.VALIDATION: 422,
    ErrorKind.PRECONDITION_REQUIRED: 428,
    ErrorKind.RATE_LIMITED: 429,
    ErrorKind.INTERNAL: 500,
    ErrorKind.UNAVAILABLE: 503,
}

# Codes and titles for errors raised by the framework itself (routing, parsing, limits), by status.
HTTP_PROBLEMS: dict[int, tuple[str, str]] = {
    # FastAPI answers 400 only when it cannot parse the body (malformed JSON, form or multipart).
    400: ("request.malformed_body", "Bad Request"),
    401: ("auth.unauthenticated", "Unauthorized"),
    403: ("auth.forbidden", "Forbidden"),
    404: ("request.not_found", "Not Found"),
    405: ("request.method_not_allowed", "Method Not Allowed"),
    413: ("request.too_large", "Content Too Large"),
    422: ("request.validation_failed", "The request is not valid"),
    500: ("server.internal_error", "Internal server error"),
}
MALFORMED_BODY_DETAIL = "The body cannot be read: send JSON encoded as UTF-8."


@dataclass(frozen=True)
class ProblemCode:
    status: int
    title: str


def problem_codes() -> dict[str, ProblemCode]:
    """Every code this API answers with, and its status: the framework's and every domain error's.

    Derived from the code itself (so the documented enum cannot drift): call it once the domains are
    imported, as the OpenAPI document does. A class that does not name its own `code` is an abstract
    base and answers with nothing itself.
    """
    codes = {code: ProblemCode(status, title) for status, (code, title) in HTTP_PROBLEMS.items()}
    for cls in _subclasses(DomainError):
        # Only the app's own: a test defining an error must not change the documented enum.
        if "code" not in vars(cls) or not cls.__module__.startswith("app."):
            continue
        status = STATUS_FOR_KIND[cls.kind]
        known = codes.get(cls.code)
        if known is not None and known.status != status:
            raise ValueError(f"{cls.code} is answered with both {known.status} and {status}")
        codes[cls.code] = ProblemCode(status, cls.title)
    return dict(sorted(codes.items()))


def _subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_subclasses(sub))
    return found


def problem_type(code: str) -> str:
    return PROBLEM_TYPE_BASE + code


class FieldError(BaseModel):
    """One invalid input: where it is and what is wrong with it."""

    location: str = Field(description="body, query, path, header or cookie", examples=["body"])
    pointer: str = Field(
        description="JSON pointer (RFC 6901, as a URI fragment) to the value within its location",
        examples=["#/facts/date_of_birth"],
    )
    field: str = Field(description="The same place as a dotted name", examples=["facts.date_of_birth"])
    message: str = Field(examples=["Input should be a valid date in the format YYYY-MM-DD"])
    code: str = Field(description="Machine-readable reason", examples=["date_from_datetime_parsing"])


class Problem(BaseModel):
    """An RFC 9457 problem: every error this API returns has this shape."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "https://local-offer.uk/problems/resource.not_found",
                    "title": "Not found",
                    "status": 404,
                    "detail": "No local authority has the GSS code E06000099.",
                    "code": "resource.not_found",
                    "request_id": "01JD8Y1D2G9J6Q3M7T5V0X4C2B",
                }
            ]
        },
    )

    type: str = Field(description="Stable URI identifying the problem type")
    title: str = Field(description="Short summary of the problem type")
    status: int = Field(description="HTTP status code")
    detail: str = Field(description="What went wrong in this occurrence, in plain English")
    code: str = Field(description="Stable dotted code, the last part of `type`")
    request_id: str | None = Field(default=None, description="Quote this when you contact support")


class ValidationProblem(Problem):
    """A problem whose `errors` list names every invalid field."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "https://local-offer.uk/problems/request.validation_failed",
                    "title": "The request is not valid",
                    "status": 422,
                    "detail": "1 field is not valid: facts.date_of_birth.",
                    "code": "request.validation_failed",
                    "request_id": "01JD8Y1D2G9J6Q3M7T5V0X4C2B",
                    "errors": [
                        {
                            "location": "body",
                            "pointer": "#/facts/date_of_birth",
                            "field": "facts.date_of_birth",
                            "message": "Input should be a valid date in the format YYYY-MM-DD",
                            "code": "date_from_datetime_parsing",
                        }
                    ],
                }
            ]
        }
    )

    errors: list[FieldError] = Field(default_factory=list)


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body = _problem_body(status, code, title, detail, extensions)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def _problem_body(
    status: int, code: str, title: str, detail: str, extensions: dict[str, Any]
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": request_id_var.get(),
    }
    body.update(extensions)
    return body


def problem_of(exc: DomainError) -> dict[str, Any]:
    """The problem body a domain error answers with, for an answer that carries several (a sync push)."""
    return _problem_body(STATUS_FOR_KIND[exc.kind], exc.code, exc.title, exc.detail, exc.extensions)


def internal_error_response() -> JSONResponse:
    # Never a stack trace or exception text: only the request id, which finds the log line.
    return problem_response(
        500,
        "server.internal_error",
        "Internal server error",
        "Something went wrong on our side. Quote the request id if you contact us.",
    )


def field_errors_from_validation(errors: list[Any]) -> list[dict[str, str]]:
    result = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        location, parts = (loc[0], loc[1:]) if loc else ("body", [])
        if error.get("type") == "json_invalid":
            parts = []  # the position inside unparseable JSON is not a pointer
        result.append(
            {
                "location": location,
                "pointer": json_pointer(parts),
                "field": ".".join(parts) if parts else location,
                "message": str(error.get("msg", "Invalid value")),
                "code": str(error.get("type", "invalid")),
            }
        )
    return result


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = STATUS_FOR_KIND[exc.kind]
    if status >= 500:
        log.error("domain error %s", exc.code, exc_info=exc)
    return problem_response(status, exc.code, exc.title, exc.detail, headers=exc.headers, **exc.extensions)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    unreadable = next((e for e in raw if e.get("type") == "json_invalid"), None)
    if unreadable is not None:
        # Not JSON (or not UTF-8) is a body nobody could read, not a field to correct: 400, as documented.
        reason = (unreadable.get("ctx") or {}).get("error")
        detail = f"The body is not valid JSON ({reason}): send JSON encoded as UTF-8." if reason else None
        return problem_response(400, *HTTP_PROBLEMS[400], detail or MALFORMED_BODY_DETAIL)
    errors = field_errors_from_validation(raw)
    names = ", ".join(e["field"] for e in errors)
    count = len(errors)
    detail = f"{count} field{'s are' if count != 1 else ' is'} not valid: {names}."
    return problem_response(422, *HTTP_PROBLEMS[422], detail, errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    code, title = HTTP_PROBLEMS.get(status, (f"http.{status}", phrase))
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else _default_detail(status)
    headers = dict(exc.headers or {})
    if status == 405:
        # Starlette names only the first route matching the path; a path may have several.
        headers["Allow"] = _allowed_methods(request)
    if status == 400 and detail == "There was an error parsing the body":
        detail = MALFORMED_BODY_DETAIL
    return problem_response(status, code, title, detail, headers=headers)


_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def _allowed_methods(request: Request) -> str:
    """Every method some route accepts at this path, asked of the router itself (routes may be nested)."""
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]
    return ", ".join(allowed)


def _default_detail(status: int) -> str:
    return {
        404: "There is nothing at this address. The API lives under /v1; see /docs.",
        405: "This address does not accept that method; the Allow header lists the ones it does.",
        401: "Sign in first: send a bearer token in the Authorization header.",
    }.get(status, HTTPStatus(status).description or HTTPStatus(status).phrase)


async def _integrity_error(_request: Request, exc: Exception) -> JSONResponse:
    # Two requests racing on a unique key, or a row deleted under a reference: the client can retry.
    # The constraint name stays in the log; the body says what to do.
    log.warning("integrity error at commit", exc_info=exc)
    return problem_response(
        409,
        "resource.conflict",
        "Conflict",
        "The change conflicts with data saved at the same time. Fetch the current state and try again.",
    )


async def _operational_error(_request: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable", exc_info=exc)
    return problem_response(
        503,
        "server.unavailable",
        "Service unavailable",
        "The database is busy or unreachable. Nothing was changed; try again shortly.",
        headers={"Retry-After": "5"},
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(OperationalError, _operational_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


# A request id as the API sends them, for documentation examples.
EXAMPLE_REQUEST_ID = "6f0c2b1e9d8a4c7b8e5f3a2d1c0b9a87"

# What each status looks like in the documentation when an operation names no more specific error:
# the code and a sentence as the API would send them (extension members after).
DEFAULT_PROBLEMS: dict[int, tuple[str, str, str, dict[str, Any]]] = {
    400: (
        "request.malformed_body",
        "Bad Request",
        "The body is not valid JSON (Expecting ',' delimiter): send JSON encoded as UTF-8.",
        {},
    ),
    401: (
        "auth.unauthenticated",
        "Not signed in",
        "Sign in first: send a bearer token in the Authorization header.",
        {},
    ),
    403: (
        "auth.role_not_allowed",
        "Your role cannot do this",
        "This needs one of these roles: team_manager, la_admin.",
        {},
    ),
    404: ("resource.not_found", "Not found", "Nothing with that id is yours to see.", {}),
    409: (
        "resource.conflict",
        "Conflict",
        "The change conflicts with data saved at the same time. Fetch the current state and try again.",
        {},
    ),
    412: (
        "request.precondition_failed",
        "The resource has changed",
        "It was changed since you read it: read it again and send its current ETag in If-Match.",
        {},
    ),
    413: (
        "request.too_large",
        "Content Too Large",
        "The body is over the 1,000,000-byte limit for this address.",
        {},
    ),
    422: (
        "request.validation_failed",
        "The request is not valid",
        "1 field is not valid: facts.date_of_birth.",
        {
            "errors": [
                {
                    "location": "body",
                    "pointer": "#/facts/date_of_birth",
                    "field": "facts.date_of_birth",
                    "message": "Input should be a valid date in the format YYYY-MM-DD",
                    "code": "date_from_datetime_parsing",
                }
            ]
        },
    ),
    428: (
        "request.precondition_required",
        "A precondition is required",
        "Send If-Match with the ETag from your last read.",
        {},
    ),
    429: (
        "auth.too_many_attempts",
        "Too many sign-in attempts",
        "Too many failed sign-ins. Try again in 30 seconds.",
        {"retry_after": 30},
    ),
    500: (
        "server.internal_error",
        "Internal server error",
        "Something went wrong on our side. Quote the request id if you contact us.",
        {},
    ),
    503: (
        "server.unavailable",
        "Service unavailable",
        "The database is busy or unreachable. Nothing was changed; try again shortly.",
        {},
    ),
}


def problem_example(status: int, code: str, title: str, detail: str, **extensions: Any) -> dict[str, Any]:
    """An OpenAPI example object holding the body `problem_response` would send."""
    value = {
        "type": problem_type(code),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": EXAMPLE_REQUEST_ID,
        **extensions,
    }
    return {"summary": title, "value": value}


def default_problem_example(status: int) -> dict[str, dict[str, Any]]:
    code, title, detail, extensions = DEFAULT_PROBLEMS[status]
    return {code: problem_example(status, code, title, detail, **extensions)}


def problem_responses(*errors: int | DomainError) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the errors an operation can return (500 and 422 are added for all).

    Name a status for its usual problem, or pass an error as the operation raises it
    (`CareLeaverNotFound("No care leaver with that id is yours to see.")`) to show that one, with its
    title as the description when only such errors answer with that status.
    """
    examples: dict[int, dict[str, Any]] = {}
    titles: dict[int, list[str] | None] = {}
    for error in errors:
        if isinstance(error, int):
            status, example = error, default_problem_example(error)
            titles[status] = None
        else:
            status = STATUS_FOR_KIND[error.kind]
            body = problem_example(status, error.code, error.title, error.detail, **error.extensions)
            example = {error.code: body}
            named = titles.setdefault(status, [])
            if named is not None:
                named.append(error.title)
        examples.setdefault(status, {}).update(example)
    return {
        status: {
            "model": ValidationProblem if status == 422 else Problem,
            "description": "; ".join(titles[status] or []) or describe_status(status),
            "content": {PROBLEM_MEDIA_TYPE: {"examples": examples[status]}},
        }
        for status in examples
    }


def describe_status(status: int) -> str:
    return {
        400: "The body cannot be parsed (not JSON, or not UTF-8)",
        401: "Not signed in, or the token is expired, revoked or not ours",
        403: "Signed in, but this role may not do this",
        404: "Not found, or outside what the caller may see",
        409: "Conflicts with the current state",
        412: "The `If-Match` ETag is stale: someone changed it first",
        413: "The body is over the size limit",
        422: "A field is not valid; `errors` says which and why",
        428: "This update needs an `If-Match` header",
        429: "Too many attempts; wait for `Retry-After` seconds",
        500: "Unexpected error; the body carries the request id, never internals",
        503: "Not available for now; try again after `Retry-After` seconds",
    }.get(status, HTTPStatus(status).phrase)
