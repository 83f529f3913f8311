"""Post/Redirect/Get: after a form succeeds (or is refused), back to a page with a notice."""

from __future__ import annotations

from litestar import Request, Response
from litestar.response import Redirect

from core.i18n import gettext_for
from core.refusals import Refusal
from core.web.flash import Kind, set_flash
from core.web.rendering import request_language


def redirect_after_form(
    request: Request, target: str, message: str, kind: Kind = "ok", **values: object
) -> Response:
    """A 303 to ``target`` carrying ``message`` (an English msgid, with ``%(name)s`` filled
    from ``values``) in the page's language."""
    text = gettext_for(request_language(request))(message)
    if values:
        text = text % values
    return set_flash(Redirect(target, status_code=303), text, kind)


def redirect_refused(request: Request, target: str, exc: Refusal) -> Response:
    """A 303 back to ``target`` with the refusal's own text in the page's language."""
    return set_flash(
        Redirect(target, status_code=303), exc.text_in(request_language(request)), "bad"
    )
