"""The clerk's page of marriage tasks (``/marriage/workbench/tasks``)."""

from __future__ import annotations

from litestar import Request, Response, get, post

from core.auth.guards import require_user
from core.clock import today
from core.pagination import page_params
from core.refusals import Refusal
from core.web.forms import (
    CONFIRM,
    N_,
    Confirmation,
    confirmation_page,
    confirmed,
    read_form,
    reposted,
)
from core.web.redirects import redirect_after_form
from core.web.rendering import render_page, request_language
from plugins.marriage.pages.common import context
from plugins.marriage.services.tasks import close_task, list_tasks

TASKS = {"permission": "marriage.status.read"}
TASK_KIND_LABELS = {
    "revoked_death_remarried": N_("Revoked death: the spouse has remarried since"),
}


@get("/workbench/tasks", opt=TASKS, include_in_schema=False)
async def tasks_page(request: Request) -> Response:
    return await _tasks_page(request)


async def _tasks_page(
    request: Request, errors: dict[int, dict[str, str]] | None = None
) -> Response:
    """``errors``: by task, what its form says above its fields."""
    result = await list_tasks(page_params(100, 0), "open")
    return await render_page(
        request,
        "marriage/tasks.html",
        context(
            tasks=result["items"],
            total=result["total"],
            kinds=TASK_KIND_LABELS,
            errors=errors or {},
        ),
        status_code=422 if errors else 200,
    )


@post("/workbench/tasks/{task_id:int}/close", opt={**TASKS, CONFIRM: True}, include_in_schema=False)
async def close_submit(request: Request, task_id: int) -> Response:
    form = await read_form(request)
    user = require_user(request)
    target = "/marriage/workbench/tasks"
    if not confirmed(form):
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Close the task"),
                question=N_("Close this task?"),
                back=target,
                fields=reposted(form, "note"),
                facts=((N_("How it was handled"), form.get("note") or "—"),),
                button=N_("Close the task"),
            ),
        )
    try:
        await close_task(task_id, form.get("note"), await today(), user.username)
    except Refusal as exc:
        if exc.status_code == 404:
            raise
        message = exc.text_in(request_language(request))
        return await _tasks_page(request, {task_id: {"": message}})
    return redirect_after_form(request, target, N_("The task is closed."))


ROUTES = [tasks_page, close_submit]
