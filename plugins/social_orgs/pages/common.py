"""What the social_orgs pages share: one-time messages after a form, page numbers."""

from __future__ import annotations

from litestar import Request, Response
from litestar.response import Redirect

from core.i18n import gettext_for
from core.pagination import PageParams, page_params
from core.web.flash import set_flash
from core.web.paging import PER_PAGE, Pager, page_number
from core.web.rendering import request_language


def translate(request: Request, message: str) -> str:
    return gettext_for(request_language(request))(message)


def done(
    request: Request, target: str, message: str, kind: str = "ok", **values: object
) -> Response:
    """Post/Redirect/Get: back to ``target`` with ``message`` (an English msgid, ``%(name)s``
    filled from ``values``) in the page's language."""
    text = translate(request, message)
    if values:
        text = text % values
    return set_flash(Redirect(target, status_code=303), text, kind)  # type: ignore[arg-type]


def page_of(request: Request, per_page: int = PER_PAGE) -> PageParams:
    """The slice ``?page=`` asks for."""
    number = page_number(request.query_params.get("page", 1))
    return page_params(per_page, (number - 1) * per_page)


def pager_for(request: Request, total: int, per_page: int = PER_PAGE) -> Pager:
    return Pager.for_request(request.url.path, request.query_params, total, per_page)


def whole_number(value: str) -> int | None:
    """A whole number typed into a form; None when blank; ValueError when not a number."""
    value = value.replace(",", "").strip()
    return None if value == "" else int(value)
