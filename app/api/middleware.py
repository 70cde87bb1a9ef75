"""Request id, access log, privacy headers and the body limit, as plain ASGI middleware
(BaseHTTPMiddleware costs a task per request)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import internal_error_response, problem_response
from app.core.logging import request_id_var

access_log = logging.getLogger("app.access")
error_log = logging.getLogger("app.errors")

# Accept a caller's id only if it is short and plain, so it can never inject into logs.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = False
        begin = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # The traceback goes to the log, keyed by request id; the client gets a bare 500 problem.
            error_log.exception("unhandled exception")
            if not started:
                await internal_error_response()(scope, receive, send_with_id)
        finally:
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


# Most responses carry personal data, or an error about a signed-in request: none may be kept by a
# browser, a proxy or a shared council PC. A response that sets its own policy (the public offer's
# `public, no-cache` with an ETag, Swagger UI's files) keeps it.
NO_STORE = (b"cache-control", b"no-store")
# A JSON answer is never a page: nothing in it runs, loads, or is framed (Swagger UI and the
# printable plan send their own policy).
API_CONTENT_SECURITY_POLICY = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
# Browsers sniff a body whose type they doubt; ours are what they say they are.
NOSNIFF = (b"x-content-type-options", b"nosniff")
_DEFAULT_HEADERS = (NO_STORE, API_CONTENT_SECURITY_POLICY, NOSNIFF)


class PrivacyHeadersMiddleware:
    """Headers every response gets, errors and static files included: the outermost middleware, so a
    413 from the body limit, a 500, a 404 and a CORS preflight get them too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(item for item in _DEFAULT_HEADERS if item[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


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
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(limit)(scope, receive, send)
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
