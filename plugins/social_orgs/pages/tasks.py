"""Staff page of organization tasks (``/orgs/tasks``) and the clerk's change of legal
representative (变更登记), which closes the organization's open change tasks."""

from __future__ import annotations

from litestar import Request, Response, get, post

from core.pagination import page_params
from core.refusals import Refusal
from core.web.forms import (
    CONFIRM,
    N_,
    Confirmation,
    confirmation_page,
    confirmed,
    id_number_problem,
    read_form,
    reposted,
)
from core.web.redirects import redirect_after_form
from core.web.rendering import render_page, request_language
from plugins.social_orgs.pages.common import translate
from plugins.social_orgs.services import registry, tasks

READ = {"permission": "social_orgs.tasks.read"}
REGISTER = {"permission": "social_orgs.register", CONFIRM: True}


@get("/tasks", opt=READ, include_in_schema=False)
async def tasks_page(request: Request) -> Response:
    return await _tasks_page(request)


async def _tasks_page(
    request: Request, errors: dict[str, dict[str, str]] | None = None
) -> Response:
    """``errors``: by organization code, what its form says above its fields."""
    result = await tasks.list_tasks(page_params(500, 0), "open")
    context = {"result": result, "errors": errors or {}}
    return await render_page(
        request, "social_orgs/tasks.html", context, status_code=422 if errors else 200
    )


@post("/registry/{uscc:str}/legal-representative", opt=REGISTER, include_in_schema=False)
async def change_post(request: Request, uscc: str) -> Response:
    """Two steps: the new representative is shown once more before the register changes."""
    form = await read_form(request)
    problems = {}
    if not form.get("legal_representative"):
        problems["rep"] = translate(request, N_("Enter the legal representative."))
    if form.get("legal_representative_id_number"):
        problem = id_number_problem(
            form.get("legal_representative_id_number"), request_language(request)
        )
        if problem:
            problems["rep-id"] = problem
    if problems:
        return await _tasks_page(request, {uscc: problems})
    if not confirmed(form):
        org = await registry.profile(uscc)
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Change of legal representative"),
                question=N_("Record this change of legal representative?"),
                back="/orgs/tasks",
                fields=reposted(form, "legal_representative", "legal_representative_id_number"),
                facts=(
                    (N_("Organization"), f"{org['name']} · {org['uscc']}"),
                    (
                        N_("New legal representative"),
                        form.get("legal_representative") or "—",
                    ),
                    (
                        N_("Identity number of the legal representative"),
                        form.get("legal_representative_id_number") or "—",
                    ),
                ),
                button=N_("Record the change"),
            ),
        )
    try:
        await tasks.change_representative(
            uscc, form.get("legal_representative"), form.get("legal_representative_id_number")
        )
    except Refusal as exc:
        if exc.status_code == 404:
            raise
        return await _tasks_page(request, {uscc: {"": exc.text_in(request_language(request))}})
    return redirect_after_form(
        request, "/orgs/tasks", N_("The change of legal representative is recorded.")
    )


ROUTES = [tasks_page, change_post]
