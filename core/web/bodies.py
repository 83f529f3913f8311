"""Limits on what a request may carry before any handler sees it.

- JSON bodies are capped by ``MINZHENG_JSON_MAX_BYTES`` (the app-wide request body limit; the
  roster upload route has its own, larger one) and nested at most ``MAX_JSON_DEPTH`` levels deep:
  a deeper document is 400 ``BAD_REQUEST`` instead of a recursion error in the decoder.
  Litestar refuses a body over the limit from its ``Content-Length`` before reading it, and
  stops reading a streamed one as soon as it passes the limit (413 ``PAYLOAD_TOO_LARGE``), so an
  oversized invalid body is never held in memory.
- A path with a NUL or another control character (``/static/%00``) names nothing: 404.

It runs first of the application's middleware, and also applies a trusted proxy's
``X-Forwarded-For``/``-Proto`` to the scope (``core.auth.transport``).
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

from litestar import Request
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware

from core.auth.transport import apply_trusted_proxy
from core.refusals import Refusal
from core.settings import get_settings

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Receive, Scope, Send

MAX_JSON_DEPTH = 32
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = bytes(c for c in range(256) if c not in b"[]{}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text nests arrays/objects more than ``limit`` deep (or its brackets do
    not balance, which the decoder refuses anyway). Strings are cut out, then passes remove
    the innermost pairs; a run of more than ``limit`` opening brackets answers at once."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    skeleton = _STRING.sub(b"", body).translate(None, _NOT_BRACKET)
    deep_run = re.compile(rb"[\[{]{%d}" % (limit + 1))
    for _ in range(limit + 1):
        if not skeleton:
            return False
        if deep_run.search(skeleton):
            return True
        shorter = skeleton.replace(b"[]", b"").replace(b"{}", b"")
        if len(shorter) == len(skeleton):
            return True  # unbalanced: malformed
        skeleton = shorter
    return bool(skeleton)


UPLOAD_CEILING = 256 * 1024 * 1024
"""``request_max_body_size`` of upload routes: the hard bound for a body without a length; the
route's configurable limit (``opt["body_limit"]``, a Settings field) is checked against
``Content-Length`` before a byte is read."""
MULTIPART_OVERHEAD = 64 * 1024


def _check_declared_length(scope: Scope) -> None:
    handler = scope.get("route_handler")
    name = handler.opt.get("body_limit") if handler is not None else None
    if not name:
        return
    limit = int(getattr(get_settings(), name)) + MULTIPART_OVERHEAD
    declared = Request(scope).headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refusal(
            "FILE_TOO_LARGE",
            zh="文件过大",
            en=f"The file is over {limit // (1024 * 1024)} MiB",
            kind="payload_too_large",
            english_first=True,
        )


async def _too_deep(request: Request) -> bool:
    body = await request.body()
    if len(body) < 65536:
        return json_too_deep(body)
    return await asyncio.to_thread(json_too_deep, body)  # a large body: keep the loop free


class RequestGuardMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        apply_trusted_proxy(scope)
        if _CONTROL.search(scope.get("path", "")):
            raise Refusal.not_found()
        _check_declared_length(scope)
        if scope["method"] in _UNSAFE:
            request: Request = Request(scope, receive)
            if request.content_type[0].endswith("json") and await _too_deep(request):
                raise Refusal(
                    "BAD_REQUEST",
                    zh="JSON 嵌套层数过多",
                    en=f"JSON nested deeper than {MAX_JSON_DEPTH} levels",
                    kind="bad_request",
                    english_first=True,
                )
        await next_app(scope, receive, send)
