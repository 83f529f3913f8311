"""What the social_orgs pages share: one-time messages after a form, page numbers."""

from __future__ import annotations

from litestar import Request

from core.i18n import gettext_for
from core.pagination import PageParams, page_params
from core.web.paging import PER_PAGE, requested_page
from core.web.rendering import request_language


def translate(request: Request, message: str) -> str:
    return gettext_for(request_language(request))(message)


def page_of(request: Request, per_page: int = PER_PAGE) -> PageParams:
    """The slice ``?page=`` asks for."""
    return page_params(*requested_page(request, per_page))


def whole_number(value: str) -> int | None:
    """A whole number typed into a form; None when blank; ValueError when not a number."""
    value = value.replace(",", "").strip()
    return None if value == "" else int(value)
