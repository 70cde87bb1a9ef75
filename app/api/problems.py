"""RFC 9457 problem details: the one place that maps error kinds to statuses and renders bodies."""

from __future__ import annotations

import logging
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

# Codes for errors raised by the framework itself (routing, parsing), by HTTP status.
HTTP_STATUS_CODES: dict[int, str] = {
    400: "request.bad_request",
    401: "auth.unauthenticated",
    403: "auth.forbidden",
    404: "request.not_found",
    405: "request.method_not_allowed",
    406: "request.not_acceptable",
    413: "request.too_large",
    415: "request.unsupported_media_type",
    422: "request.validation_failed",
    429: "request.rate_limited",
    500: "server.internal_error",
    503: "server.unavailable",
}


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
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": request_id_var.get(),
    }
    body.update(extensions)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


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
    errors = field_errors_from_validation(list(exc.errors()))
    names = ", ".join(e["field"] for e in errors)
    count = len(errors)
    detail = f"{count} field{'s are' if count != 1 else ' is'} not valid: {names}."
    return problem_response(
        422, "request.validation_failed", "The request is not valid", detail, errors=errors
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    code = HTTP_STATUS_CODES.get(status, f"http.{status}")
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else _default_detail(status)
    headers = dict(exc.headers or {})
    if status == 405:
        # Starlette names only the first route matching the path; a path may have several.
        headers["Allow"] = _allowed_methods(request)
    if status == 400 and detail == "There was an error parsing the body":
        code, detail = "request.malformed_body", "The body cannot be read: send JSON encoded as UTF-8."
    return problem_response(status, code, phrase, detail, headers=headers)


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


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the errors an operation can return (500 and 422 are added for all)."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        out[status] = {
            "model": ValidationProblem if status == 422 else Problem,
            "description": _describe(status),
        }
    return out


def _describe(status: int) -> str:
    return {
        400: "The body cannot be parsed (not JSON, or not UTF-8)",
        401: "Not signed in, or the token is expired, revoked or not ours",
        403: "Signed in, but this role may not do this",
        404: "Not found, or outside what the caller may see",
        409: "Conflicts with the current state",
        412: "The `If-Match` ETag is stale: someone changed it first",
        413: "The upload is too large",
        422: "A field is not valid; `errors` says which and why",
        428: "This update needs an `If-Match` header",
        429: "Too many attempts; wait for `Retry-After` seconds",
        503: "Not ready: the database is not reachable or not migrated",
    }.get(status, HTTPStatus(status).phrase)
