"""Domain errors: a stable dotted `code`, a `kind` that decides the HTTP status, and a sentence.

Domains raise subclasses of `DomainError`; `app.api.problems` is the single place that turns
a kind into a status code and renders RFC 9457 problem+json.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar


class ErrorKind(StrEnum):
    BAD_REQUEST = "bad_request"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    GONE = "gone"
    PRECONDITION_FAILED = "precondition_failed"
    TOO_LARGE = "too_large"
    PRECONDITION_REQUIRED = "precondition_required"
    VALIDATION = "validation"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"


class DomainError(Exception):
    """Base of every error a client may see. Subclasses set `code`, `kind` and `title`."""

    code: ClassVar[str] = "server.internal_error"
    kind: ClassVar[ErrorKind] = ErrorKind.INTERNAL
    title: ClassVar[str] = "Internal server error"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        # Extra members for the problem body, e.g. {"errors": [...]} or {"retry_after": 30}.
        self.extensions = extensions


class NotFound(DomainError):
    code = "resource.not_found"
    kind = ErrorKind.NOT_FOUND
    title = "Not found"


class Conflict(DomainError):
    code = "resource.conflict"
    kind = ErrorKind.CONFLICT
    title = "Conflict"


class Forbidden(DomainError):
    code = "auth.forbidden"
    kind = ErrorKind.FORBIDDEN
    title = "Forbidden"


class InvalidInput(DomainError):
    """Input that is well-formed but breaks a business rule; `errors` names the fields."""

    code = "request.invalid"
    kind = ErrorKind.VALIDATION
    title = "The request is not valid"

    def __init__(self, detail: str, *, errors: list[dict[str, str]] | None = None, **extensions: Any) -> None:
        super().__init__(detail, errors=errors or [], **extensions)


class PreconditionFailed(DomainError):
    code = "request.precondition_failed"
    kind = ErrorKind.PRECONDITION_FAILED
    title = "The resource has changed"


class PreconditionRequired(DomainError):
    code = "request.precondition_required"
    kind = ErrorKind.PRECONDITION_REQUIRED
    title = "A precondition is required"


class ServiceUnavailable(DomainError):
    code = "server.unavailable"
    kind = ErrorKind.UNAVAILABLE
    title = "Service unavailable"


def field_error(field: str, message: str, *, location: str = "body", code: str = "invalid") -> dict[str, str]:
    """One entry of a problem's `errors` list: the dotted field, its JSON pointer in `location`, and why."""
    pointer = json_pointer([p for p in field.split(".") if p])
    return {"location": location, "pointer": pointer, "field": field, "message": message, "code": code}


def json_pointer(parts: list[str]) -> str:
    """An RFC 6901 pointer in URI-fragment form: ["facts", "date_of_birth"] -> "#/facts/date_of_birth"."""
    return "#" + "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)
