"""One Jinja environment for core and plugin templates, and the page context every page gets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.datastructures import Cookie

from core.auth.middleware import SESSION_COOKIE
from core.auth.tokens import csrf_token_for
from core.i18n import LANG_COOKIE, gettext_for, negotiate
from core.identity import mask_id_number, mask_name

ROOT = Path(__file__).resolve().parent.parent.parent


def fen_to_yuan(fen: int | None) -> str:
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def build_environment(host: Any) -> Environment:
    """Templates from ``templates/`` first, then each plugin's ``templates/`` (in plugin order)."""
    dirs = [ROOT / "templates"]
    for meta in host.metas:
        module = host.plugins[meta.name].module
        plugin_dir = Path(module.__file__).resolve().parent / "templates"
        if plugin_dir.is_dir():
            dirs.append(plugin_dir)
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in dirs]),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(yuan=fen_to_yuan, mask_id=mask_id_number, mask_name=mask_name)
    host.configure_jinja(env)
    return env


def request_language(request: Request) -> str:
    return negotiate(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language", ""),
    )


async def page_context(request: Request) -> dict[str, Any]:
    host = request.app.state.host
    user = request.scope.get("user")
    lang = request_language(request)
    gettext = gettext_for(lang)
    raw_session = request.cookies.get(SESSION_COOKIE)
    enabled = await host.enabled()
    return {
        "request": request,
        "user": user,
        "lang": lang,
        "gettext": gettext,
        "_": gettext,
        "ngettext": lambda s, p, n: gettext(s if n == 1 else p),
        "csrf_token": csrf_token_for(raw_session) if raw_session and user else "",
        "menu": await host.menu_items(user),
        "services": [m for m in host.metas if m.name in enabled],
        "path": request.url.path,
        "today": dt.date.today(),
    }


def _with_language_cookie(request: Request, response: Response) -> Response:
    query_lang = request.query_params.get("lang")
    if query_lang in ("zh", "en"):
        response.set_cookie(
            Cookie(key=LANG_COOKIE, value=query_lang, max_age=365 * 24 * 3600, samesite="lax")
        )
    return response


async def render_page(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    env: Environment = request.app.state.jinja
    full = await page_context(request)
    full.update(context or {})
    html = env.get_template(template).render(full)
    response = Response(html, media_type="text/html; charset=utf-8", status_code=status_code)
    return _with_language_cookie(request, response)
