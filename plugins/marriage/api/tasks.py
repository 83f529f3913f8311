"""The clerk's marriage tasks over HTTP (added to API.md's contract): cases the system leaves to a
person, such as a revoked death whose surviving spouse had remarried."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import Parameter

from core.auth.guards import require_user
from core.clock import today
from core.pagination import Page, page_params
from core.schemas import to_out
from plugins.marriage.schemas import MarriageTaskCloseIn, MarriageTaskOut
from plugins.marriage.services.tasks import close_task, list_tasks

TASKS = {"permission": "marriage.status.read"}
TAGS = ["marriage"]


@get("/tasks", opt=TASKS, tags=TAGS, summary="Open tasks for clerks")
async def tasks(
    status: str | None = Parameter(default="open", max_length=16),
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[MarriageTaskOut]:
    """``{items: [{id, kind, id_number, name, other_id_number, other_name, opened_on, reason,
    status, …}], total}``; ``status=open`` (default), ``closed`` or empty for all."""
    listed = await list_tasks(page_params(limit, offset), status or None)
    return to_out(Page[MarriageTaskOut], listed)


@post("/tasks/{task_id:int}/close", opt=TASKS, status_code=200, tags=TAGS, summary="Close a task")
async def close(request: Request, task_id: int, data: MarriageTaskCloseIn) -> MarriageTaskOut:
    """→ the task, ``status: "closed"``; 409 ``TASK_CLOSED``; 404 for an unknown task."""
    user = require_user(request)
    closed = await close_task(task_id, data.note, await today(), user.username)
    return to_out(MarriageTaskOut, closed)


ROUTES = [tasks, close]
