"""Request id, access log, privacy headers and the body limit, as plain ASGI middleware
(BaseHTTPMiddleware costs a task per request)."""

from __future__ import annotations

import logging
import os
import re
import time

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import internal_error_response, problem_response
from app.core.logging import request_id_var

access_log = logging.getLogger("app.access")
error_log = logging.getLogger("app.errors")

# Accept a caller's id only if it is short and plain, so it can never inject into logs.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


# Most responses carry personal data, or an error about a signed-in request: none may be kept by a
# browser, a proxy or a shared council PC. A response that sets its own policy (the public offer's
# `public, no-cache` with an ETag, Swagger UI's files, the signed-in person's own `GET /v1/me/...` with
# `private, no-cache`, so that their app may keep it offline and revalidate it) keeps it.
NO_STORE = (b"cache-control", b"no-store")
# A JSON answer is never a page: nothing in it runs, loads, or is framed (Swagger UI and the
# printable plan send their own policy).
API_CONTENT_SECURITY_POLICY = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
# Browsers sniff a body whose type they doubt; ours are what they say they are.
NOSNIFF = (b"x-content-type-options", b"nosniff")
_DEFAULT_HEADERS = (NO_STORE, API_CONTENT_SECURITY_POLICY, NOSNIFF)
_DEFAULT_NAMES = frozenset(name for name, _ in _DEFAULT_HEADERS)


def new_request_id() -> str:
    return os.urandom(16).hex()  # what uuid4().hex carries, without building a UUID


class RequestContextMiddleware:
    """The outermost layer: a request id (echoed or new) in the context and the response, one access-log
    line, the privacy headers on every response (a 413 from the body limit, a 500, a 404 and a CORS
    preflight included), and a bare 500 problem for an unhandled exception.

    One layer, not three: each pure-ASGI layer costs a call and a `send` wrapper per message.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _VALID_REQUEST_ID.match(incoming) else new_request_id()
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        id_header = (b"x-request-id", request_id.encode())
        status = 500
        started = False
        begin = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers if name.lower() in _DEFAULT_NAMES}
                headers.extend(item for item in _DEFAULT_HEADERS if item[0] not in present)
                headers.append(id_header)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # The traceback goes to the log, keyed by request id; the client gets a bare 500 problem.
            error_log.exception("unhandled exception")
            if not started:
                await internal_error_response()(scope, receive, send_with_headers)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                route = scope.get("route")
                access_log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": getattr(route, "path", "-"),
                        "status": status,
                        "duration_ms": round((time.perf_counter() - begin) * 1000, 2),
                        "request_id": request_id,
                    },
                )
            request_id_var.reset(token)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _framing(scope: Scope) -> tuple[int | None, bool]:
    """The declared Content-Length, if readable, and whether the body must be counted as it arrives.

    HTTP/1.1 frames a body by its Content-Length, and the server delivers no more than that; without
    either header there is no body at all. A chunked body, an unreadable length, or HTTP/2 are counted.
    """
    declared: int | None = None
    count = not str(scope.get("http_version", "1.1")).startswith("1")
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            if value.isdigit():
                declared = int(value)
            else:
                count = True
        elif key == b"transfer-encoding":
            count = True
    return declared, count


class BodyTooLarge(StarletteHTTPException):
    """Raised from `receive` once a streamed body passes the limit. An HTTPException, so the framework's
    body parsing passes it on (anything else it turns into a 400), and it becomes a 413 problem."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large_detail(limit))


class BodyLimitMiddleware:
    """Refuse request bodies over a limit (413) before they are read into memory: a 40 MB JSON body
    parsed by the framework would otherwise cost hundreds of MB per request."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, upload_max_bytes: int, upload_suffixes: tuple[str, ...]
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes
        self.upload_suffixes = upload_suffixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Every method: a body on GET, HEAD, OPTIONS or DELETE means nothing here, but it is still a
        # body the server would otherwise take in without limit.
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = self.upload_max_bytes if path.endswith(self.upload_suffixes) else self.max_bytes
        declared, count = _framing(scope)
        if declared is not None and declared > limit:
            await _too_large(limit)(scope, receive, send)
            return
        if not count:  # the framing already bounds the body (most requests: no body at all)
            await self.app(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        started = False

        async def track(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, track)
        except BodyTooLarge:
            if not started:
                await _too_large(limit)(scope, receive, send)


def _too_large(limit: int) -> Response:
    return problem_response(
        413,
        "request.too_large",
        "Content Too Large",
        _too_large_detail(limit),
    )


def _too_large_detail(limit: int) -> str:
    return f"The body is over the {limit:,}-byte limit for this address."
