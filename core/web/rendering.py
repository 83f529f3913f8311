"""One Jinja environment for core and plugin templates, and the page context every page gets.

``_()`` in a template (and in ``templates/macros.html``, however it is imported) translates into
the language of the page being rendered: the environment's gettext reads it from a context
variable that ``render_template`` sets around each render.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    pass_eval_context,
    select_autoescape,
)
from jinja2.nodes import EvalContext
from litestar import Request, Response
from litestar.datastructures import Cookie
from markupsafe import Markup, escape

from core import clock
from core.auth.csrf import PRE_SESSION_COOKIE, new_pre_session_nonce, pre_session_token
from core.auth.middleware import SESSION_COOKIE
from core.auth.tokens import csrf_token_for
from core.auth.transport import cookie_secure
from core.contributions import Phrase
from core.i18n import (
    DEFAULT_LANGUAGE,
    LANG_COOKIE,
    LANGUAGES,
    is_plugin_domain,
    negotiate,
    text_in,
    translations,
)
from core.identity import mask_id_number, mask_name
from core.web.charts import bar_chart, format_value, line_chart
from core.web.flash import FLASH_COOKIE, read_flash
from core.web.navigation import navigation
from core.web.paging import Pager

ROOT = Path(__file__).resolve().parent.parent.parent
_language: ContextVar[str] = ContextVar("page_language", default=DEFAULT_LANGUAGE)
_domain: ContextVar[str | None] = ContextVar("page_catalog_domain", default=None)

_TONES = {
    "ok": ("sent", "active", "enabled", "valid", "approved", "met", "done", "paid", "registered"),
    "warn": ("pending", "waiting", "submitted", "booked", "review", "due", "draft"),
    "bad": ("failed", "rejected", "void", "inactive", "disabled", "unmet", "overdue", "revoked"),
}


def fen_to_yuan(fen: int | None) -> str:
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def local_datetime(value: dt.datetime | None, with_seconds: bool = False) -> str:
    """A moment as people in Jiangmen read it (China time), ``—`` when missing."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(clock.CHINA).strftime(
        "%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M"
    )


def as_data(value: object) -> Markup:
    """A value people entered or a record holds (a name, an address, an office, a username):
    shown as it is in either language, marked so that translation tools and the one-language
    check (tests/core/test_one_language_per_page.py) leave it alone."""
    return Markup('<bdi translate="no">%s</bdi>') % ("—" if value in (None, "") else value)


def join_list(items: Any, labels: dict[str, Any] | None = None) -> Markup:
    """Items of a list in a sentence of the page's language: 甲、乙 or A, B (each escaped);
    with ``labels``, each item by its label (``{"clerk": "窗口工作人员"}``)."""
    shown = [labels.get(item, item) for item in items] if labels else items
    separator = Markup("、") if _language.get() == "zh" else Markup(", ")
    return separator.join(shown)


def phrase_text(phrase: Phrase) -> Markup:
    """A contribution's ``Phrase`` in the language of the page being rendered: its message from
    the catalogs, nested phrases translated, every other value marked as data."""
    lang = _language.get()
    message = translations(lang, _domain.get()).get(phrase.message) if lang != "en" else None
    values: dict[str, Markup] = {}
    for key, value in phrase.values.items():
        if isinstance(value, Phrase):
            values[str(key)] = phrase_text(value)
        elif isinstance(value, list | tuple):
            values[str(key)] = join_list(as_data(item) for item in value)
        else:
            values[str(key)] = as_data(value)
    return escape(message or phrase.message) % values


def tone_for(status: object) -> str:
    """Badge colour of a common status word: ok, warn, bad or neutral."""
    word = str(status).lower()
    return next((tone for tone, words in _TONES.items() if word in words), "neutral")


def in_page_language(text: str | None) -> str:
    """``core.i18n.text_in`` in the language of the page being rendered."""
    return text_in(text or "", _language.get())


@pass_eval_context
def _gettext(eval_ctx: EvalContext, message: str) -> str:
    """The catalog's text is trusted markup (Jinja's new-style gettext marks it safe); anything
    else, an untranslated message or a value a template ran through ``_()``, is escaped."""
    lang = _language.get()
    translated = translations(lang, _domain.get()).get(message) if lang != "en" else None
    if translated is not None:
        return translated
    return escape(message) if eval_ctx.autoescape else message


@pass_eval_context
def _ngettext(eval_ctx: EvalContext, singular: str, plural: str, n: int) -> str:
    return _gettext(eval_ctx, singular if n == 1 else plural)


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
    env.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, newstyle=True
    )
    env.filters.update(
        yuan=fen_to_yuan,
        mask_id=mask_id_number,
        mask_name=mask_name,
        datetime=local_datetime,
        number=format_value,
        in_page_language=in_page_language,
        data=as_data,
        join_list=join_list,
    )
    env.globals.update(
        bar_chart_layout=bar_chart,
        line_chart_layout=line_chart,
        tone_for=tone_for,
        phrase=phrase_text,
        navigation=navigation,
        Pager=Pager,
    )
    host.configure_jinja(env)
    return env


def request_language(request: Request) -> str:
    return negotiate(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language", ""),
    )


def _other_language_url(request: Request, lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + "?" + urlencode([*query, ("lang", other)])


def base_context(
    request: Request, *, menu: list[Any], services: list[Any], today: dt.date
) -> dict[str, Any]:
    """What ``base.html`` needs; synchronous, so error pages can build it too."""
    env: Environment = request.app.state.jinja
    user = request.scope.get("user")
    lang = request_language(request)
    raw_session = request.cookies.get(SESSION_COOKIE)
    with_session = bool(raw_session and user is not None and user.via_session)
    return {
        "request": request,
        "user": user,
        "lang": lang,
        "gettext": env.globals["gettext"],
        "_": env.globals["_"],
        "ngettext": env.globals["ngettext"],
        "csrf_token": csrf_token_for(raw_session)
        if with_session and raw_session
        else pre_session_token(request),
        "menu": menu,
        "services": services,
        "path": request.url.path,
        "lang_url": _other_language_url(request, lang),
        "flashes": read_flash(request),
        "today": today,
        "session_unknown": False,
        "oidc_enabled": request.app.state.settings.oidc_enabled,
    }


async def page_context(request: Request) -> dict[str, Any]:
    host = request.app.state.host
    enabled = await host.enabled()
    return base_context(
        request,
        menu=await host.menu_items(request.scope.get("user")),
        services=[m for m in host.metas if m.name in enabled],
        today=await clock.today(),
    )


def render_template(env: Environment, template: str, context: dict[str, Any]) -> str:
    token = _language.set(context.get("lang", DEFAULT_LANGUAGE))
    # "funeral/intake.html" is the funeral plugin's page: its catalog speaks first.
    head, _, rest = template.partition("/")
    domain_token = _domain.set(head if rest and is_plugin_domain(head) else None)
    try:
        return env.get_template(template).render(context)
    finally:
        _language.reset(token)
        _domain.reset(domain_token)


def finish_page(request: Request, response: Response, context: dict[str, Any]) -> Response:
    """Make ``?lang=`` sticky, spend the one-time message the page has shown, and keep a
    signed-in person's pages out of caches (the back button after signing out shows nothing)."""
    query_lang = request.query_params.get("lang")
    if query_lang in LANGUAGES:
        response.set_cookie(
            Cookie(
                key=LANG_COOKIE,
                value=query_lang,
                max_age=365 * 24 * 3600,
                samesite="lax",
                path="/",
            )
        )
    if context.get("flashes"):
        response.delete_cookie(FLASH_COOKIE, path="/")
    nonce = new_pre_session_nonce(request)
    if nonce:
        response.set_cookie(
            Cookie(
                key=PRE_SESSION_COOKIE,
                value=nonce,
                httponly=True,
                samesite="lax",
                secure=cookie_secure(request),
                path="/",
            )
        )
    if context.get("user") is not None:
        response.headers["cache-control"] = "no-store"
    return response


async def render_page(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    full = await page_context(request)
    full.update(context or {})
    html = render_template(request.app.state.jinja, template, full)
    response = Response(html, media_type="text/html", status_code=status_code)
    return finish_page(request, response, full)
