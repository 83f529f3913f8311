"""The API documentation page (``/schema``) from local assets, so it renders under our CSP
(``script-src 'self'``, no inline script or style) and without reaching a CDN: Swagger UI 5 (it
reads OpenAPI 3.1, which Litestar writes) from the ``swagger-ui-py`` package's static files,
served at ``/static/swagger-ui/`` and started by our own ``static/js/api-docs.js``. The schema
itself stays at ``/schema/openapi.json`` (API.md)."""

from __future__ import annotations

import importlib.util
from html import escape
from pathlib import Path
from typing import Any

from litestar import Litestar, Request
from litestar.openapi import ResponseSpec
from litestar.openapi.plugins import OpenAPIRenderPlugin

from core.schemas import ErrorBody

SWAGGER_UI_URL = "/static/swagger-ui"

# The error answers of every operation, described once (API.md Conventions) with the one body
# they all have. Litestar's own 400 (a schema generators cannot read) is replaced.
_ERRORS = {
    400: "BAD_REQUEST: malformed JSON, wrong types, a bad query or path value",
    401: "UNAUTHENTICATED: no token or session, or an invalid one",
    403: "FORBIDDEN (authenticated but not allowed), IDENTITY_NOT_VERIFIED",
    404: "NOT_FOUND: unknown, not yours to know of, or its plugin disabled",
    409: "A conflict with the current state (a full slot, a duplicate)",
    422: "A domain rule refuses the request; ``code`` names the rule",
    429: "RATE_LIMITED, with Retry-After",
    503: "DATABASE_UNAVAILABLE, with Retry-After; nothing was changed, retry",
}
_PUBLIC_ERRORS = {400, 404, 409, 422, 429, 503}


def _error_spec(status: int) -> ResponseSpec:
    return ResponseSpec(
        data_container=ErrorBody, description=_ERRORS[status], generate_examples=False
    )


def describe_errors(app: Litestar) -> None:
    """Give every documented operation the error answers it can give (a public one cannot be
    401 or 403); a handler's own ``responses=`` wins for its status codes."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not getattr(handler, "include_in_schema", True) or handler.opt.get("static"):
                continue
            statuses = _PUBLIC_ERRORS if handler.opt.get("public") else _ERRORS.keys()
            handler.responses = {
                **{status: _error_spec(status) for status in sorted(statuses)},
                **(handler.responses or {}),
            }


def swagger_ui_dir() -> Path | None:
    """Where the installed package keeps Swagger UI's files (None when it is missing; the
    page then links the JSON schema). Found without importing the package's framework glue."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return None
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    return static if (static / "swagger-ui-bundle.js").is_file() else None


class LocalSwaggerPlugin(OpenAPIRenderPlugin):
    """Swagger UI from this server's own static files."""

    def __init__(self, path: str | list[str] = ("/", "/swagger")) -> None:  # type: ignore[assignment]
        super().__init__(path=list(path), favicon="", style="")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        title = escape(openapi_schema.get("info", {}).get("title", "API"))
        schema_url = escape(self.get_openapi_json_route(request))
        return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="{SWAGGER_UI_URL}/swagger-ui.css">
  <link rel="stylesheet" href="/static/css/api-docs.css">
</head>
<body>
  <div id="swagger-ui" data-schema-url="{schema_url}">
    <noscript><p>The API schema: <a href="{schema_url}">{schema_url}</a></p></noscript>
  </div>
  <script src="{SWAGGER_UI_URL}/swagger-ui-bundle.js"></script>
  <script src="/static/js/api-docs.js"></script>
</body>
</html>""".encode()
