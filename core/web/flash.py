"""One-time messages shown on the page a form redirects to ("插件已停用").

The message travels in a short-lived signed cookie, so a refresh after the redirect does not
repeat the action and nobody else can plant text on our pages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Literal

from litestar import Request, Response
from litestar.datastructures import Cookie

from core.settings import get_settings

FLASH_COOKIE = "mz_flash"
Kind = Literal["ok", "info", "warn", "bad"]
KINDS = ("ok", "info", "warn", "bad")


def _sign(payload: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"flash:" + payload.encode(), hashlib.sha256).hexdigest()[:32]


def set_flash(response: Response, text: str, kind: Kind = "ok") -> Response:
    raw = json.dumps([kind, text], ensure_ascii=False).encode()
    payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    response.set_cookie(
        Cookie(
            key=FLASH_COOKIE,
            value=f"{payload}.{_sign(payload)}",
            max_age=120,
            httponly=True,
            samesite="lax",
            path="/",
        )
    )
    return response


def read_flash(request: Request) -> list[tuple[str, str]]:
    """The pending message as ``[(kind, text)]``; empty when absent or tampered with."""
    value = request.cookies.get(FLASH_COOKIE, "")
    payload, _, signature = value.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(payload)):
        return []
    try:
        kind, text = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, TypeError):
        return []
    return [(kind, str(text))] if kind in KINDS else []
