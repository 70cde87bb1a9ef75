"""Swagger UI served entirely by the app: council networks cannot reach a public CDN.

The page runs no inline script, so its Content-Security-Policy can allow only our own files and
forbid framing (clickjacking a signed-in Swagger UI would act as that person). Tokens stay in the
page's memory (no `persistAuthorization`: a refresh token in localStorage would outlive the tab
and be readable by any script on the origin), and Logout revokes the sign-in before forgetting it.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

ASSETS = "/docs/assets"
INIT_SCRIPT = "/docs/swagger-init.js"
SIGN_OUT_URL = "/v1/auth/logout"
TOKEN_URL = "/v1/auth/token"

# Only what Swagger UI needs: its script and ours, its stylesheet (and the inline styles it sets),
# its data: icons, and calls to this origin. No framing, no <base>, no form posts, no plugins.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)
# The same bytes for everyone, never personal: cached, but checked against the ETag on each use.
ASSETS_CACHE_CONTROL = "public, no-cache"

_INIT_JS = (Path(__file__).parent / "swagger-init.js").read_bytes()


class _Assets(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = ASSETS_CACHE_CONTROL
        return response


def install_docs(app: FastAPI) -> None:
    assets_dir = files("fastapi_swagger") / "resources"
    app.mount(ASSETS, _Assets(directory=str(assets_dir)), name="swagger-assets")
    page = _page(app.title, app.openapi_url or "/openapi.json").encode()

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})

    @app.get(INIT_SCRIPT, include_in_schema=False)
    async def swagger_ui_init() -> Response:
        return Response(_INIT_JS, media_type="text/javascript; charset=utf-8")


def _page(title: str, openapi_url: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
<link rel="icon" href="{ASSETS}/favicon-32x32.png">
<title>{escape(title)}: Swagger UI</title>
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{INIT_SCRIPT}" data-openapi-url="{escape(openapi_url)}" data-token-url="{TOKEN_URL}"
  data-sign-out-url="{SIGN_OUT_URL}"></script>
</body>
</html>
"""
