"""Cross-site request forgery: the pre-session token of anonymous forms and the origin check.

Three layers, all in ``IdentityMiddleware``:

- A browser **session** (cookie ``mz_session``) needs, on every unsafe method, its CSRF token
  (an HMAC of the session) in ``X-CSRF-Token`` or the ``_csrf`` form field.
- **Anonymous form posts** to pages (sign-in, sign-up, every public form) need the *pre-session*
  token: the page sets a random nonce in the ``mz_csrf`` cookie and puts
  ``HMAC(secret, "pre:" + nonce)`` into the form's hidden ``_csrf`` field (signed double submit:
  a site that can plant cookies still cannot forge the field without the secret key). This stops
  login CSRF (signing a victim into the attacker's account) and forged sign-ups.
- Every unsafe request **without a bearer token** is refused as ``CROSS_SITE_REQUEST`` (403) when
  the browser says it comes from another site: ``Sec-Fetch-Site`` other than ``same-origin`` /
  ``none``, or an ``Origin`` that is neither this host nor ``MINZHENG_PUBLIC_URL``.

Bearer-token API calls carry no ambient credential and need none of this.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from core.refusals import Refusal
from core.settings import get_settings

if TYPE_CHECKING:
    from litestar import Request

PRE_SESSION_COOKIE = "mz_csrf"
PRE_SESSION_STATE = "minzheng_pre_session_nonce"
EXEMPT_PATHS = frozenset({"/logout"})  # a stale session still signs out


def _signature(nonce: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"pre:" + nonce.encode(), hashlib.sha256).hexdigest()


def _valid_nonce(value: str | None) -> bool:
    return bool(value) and 20 <= len(value or "") <= 64 and (value or "").isascii()


def pre_session_token(request: Request) -> str:
    """The token for an anonymous page's forms; a new nonce is remembered on the request so
    that ``finish_page`` sets its cookie."""
    nonce = request.cookies.get(PRE_SESSION_COOKIE)
    if not _valid_nonce(nonce):
        state = request.scope.setdefault("state", {})
        nonce = state.get(PRE_SESSION_STATE) or secrets.token_urlsafe(24)
        state[PRE_SESSION_STATE] = nonce
    return _signature(nonce or "")


def new_pre_session_nonce(request: Request) -> str | None:
    """The nonce to set as cookie, when this request made one."""
    return request.scope.get("state", {}).get(PRE_SESSION_STATE)


def csrf_failed() -> Refusal:
    return Refusal(
        "CSRF_FAILED",
        zh="表单已失效，请刷新页面后重试",
        en="Form expired or forged; reload the page",
        kind="forbidden",
        english_first=True,
    )


async def supplied_token(request: Request) -> str:
    supplied = request.headers.get("x-csrf-token")
    if supplied is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            supplied = form.get("_csrf")
    return str(supplied or "")


def needs_pre_session_token(request: Request) -> bool:
    path = request.url.path
    return not path.startswith(("/api/", "/schema")) and path not in EXEMPT_PATHS


async def check_pre_session(request: Request) -> None:
    nonce = request.cookies.get(PRE_SESSION_COOKIE)
    given = (await supplied_token(request)).encode("utf-8", "surrogatepass")
    if not _valid_nonce(nonce) or not given:
        raise csrf_failed()
    if not hmac.compare_digest(given, _signature(nonce or "").encode()):
        raise csrf_failed()


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_same_origin(request: Request) -> None:
    """Refuse an unsafe request the browser marks as coming from another site."""
    fetch_site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    if fetch_site is not None and fetch_site.lower() not in ("same-origin", "none"):
        raise _cross_site()
    if origin is None:
        return
    allowed = {_origin_of(get_settings().public_url), _origin_of(str(request.base_url))}
    host = request.headers.get("host", "").lower()
    if origin.lower() in allowed or (host and urlsplit(origin).netloc.lower() == host):
        return
    raise _cross_site()


def _cross_site() -> Refusal:
    return Refusal(
        "CROSS_SITE_REQUEST",
        zh="拒绝来自其他网站的请求",
        en="Requests from other sites are refused",
        kind="forbidden",
        english_first=True,
    )
