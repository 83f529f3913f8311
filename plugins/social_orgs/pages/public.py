"""Public pages: the directory, an organization's profile, the published spot-check draws."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import Parameter

from core.web.paging import Pager
from core.web.rendering import render_page
from plugins.social_orgs.pages.common import page_of
from plugins.social_orgs.services import registry, spot_checks

PUBLIC = {"public": True}
DRAWS_PER_PAGE = 10


@get("/", opt=PUBLIC, include_in_schema=False)
async def directory(
    request: Request,
    q: str | None = Parameter(default=None, max_length=100),
    kind: str | None = Parameter(default=None, max_length=16),
) -> Response:
    result = await registry.directory(page_of(request), q, kind or None)
    return await render_page(
        request,
        "social_orgs/directory.html",
        {
            "result": result,
            "pager": Pager.of(request, result["total"]),
            "q": q or "",
            "kind": kind or "",
        },
    )


async def spot_check_page(
    request: Request,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """The published draws; reviewers also get the form to draw."""
    result = await spot_checks.spot_checks(page_of(request, DRAWS_PER_PAGE))
    user = request.scope.get("user")
    result = {**result, "items": [spot_checks.for_reader(d, user) for d in result["items"]]}
    context: dict[str, Any] = {
        "result": result,
        "pager": Pager.of(request, result["total"], DRAWS_PER_PAGE),
        "may_draw": bool(user and user.has("social_orgs.spot_check.draw")),
        "errors": errors or {},
        "form": form or {},
    }
    return await render_page(
        request, "social_orgs/spot_checks.html", context, status_code=status_code
    )


@get("/spot-checks", opt=PUBLIC, include_in_schema=False)
async def spot_checks_list(request: Request) -> Response:
    return await spot_check_page(request)


@get("/{uscc:str}", opt=PUBLIC, include_in_schema=False)
async def profile(request: Request, uscc: str) -> Response:
    org = await registry.profile(uscc)
    return await render_page(request, "social_orgs/profile.html", {"org": org})


ROUTES = [directory, spot_checks_list, profile]
