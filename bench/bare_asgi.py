"""The ceiling: a bare ASGI app that answers each benchmarked request with the bytes the real app returned.

BENCH_BODIES names a JSON file mapping "METHOD /path?query INM" to {"status", "content_type", "body"}, INM
being 1 when the request carries If-None-Match (the offer and its 304 share a path, not an answer).
"""

from __future__ import annotations

import json
import os
from typing import Any

_BODIES: dict[str, tuple[int, bytes, bytes]] = {}
for key, entry in json.loads(open(os.environ["BENCH_BODIES"]).read()).items():  # noqa: SIM115
    _BODIES[key] = (entry["status"], entry["content_type"].encode(), entry["body"].encode())
_DEFAULT = (200, b"application/json", b'{"status":"ok"}')


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:  # drain a request body, as a real handler would
        message = await receive()
        more = message.get("more_body", False)
    query = scope.get("query_string", b"").decode()
    conditional = int(any(name == b"if-none-match" for name, _ in scope["headers"]))
    key = f"{scope['method']} {scope['path']}{'?' + query if query else ''} {conditional}"
    status, content_type, body = _BODIES.get(key, _DEFAULT)
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
