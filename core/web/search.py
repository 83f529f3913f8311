"""The global search page (``/search?q=``) and the full record of a person found there.

Results are masked; opening a person (``/search/people/<row id>``) shows the full record and
writes the same audit event as ``GET /api/v1/people/{id_number}``.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect

from core.api.people import open_person
from core.contributions import SearchResult
from core.i18n import gettext_for
from core.people.service import revoke_death
from core.refusals import Refusal
from core.search import clean_query, search
from core.tables import Person
from core.web.flash import set_flash
from core.web.forms import CONFIRM, N_, Confirmation, confirmation_page, confirmed, read_form
from core.web.rendering import render_page, request_language

SEARCH = {"permission": "core.search"}
CORE_GROUP = N_("People and certificates")


def grouped(results: list[SearchResult], titles: dict[str, str]) -> list[dict[str, Any]]:
    """Results under their service's title, in the order of ``titles`` (the core's first)."""
    rank = {plugin: position for position, plugin in enumerate(titles)}
    ordered = sorted(results, key=lambda r: (rank.get(r.plugin, len(rank)), r.plugin, r.order))
    return [
        {"plugin": plugin, "title": titles.get(plugin, plugin), "results": list(items)}
        for plugin, items in groupby(ordered, key=lambda r: r.plugin)
    ]


@get("/search", opt=SEARCH, include_in_schema=False)
async def search_page(request: Request) -> Response:
    query = clean_query(request.query_params.get("q"))
    results = await search(query, request.scope["user"])
    lang = request_language(request)
    titles = {"core": gettext_for(lang)(CORE_GROUP)}
    titles |= {m.name: m.title_in(lang) for m in request.app.state.host.metas}
    return await render_page(
        request,
        "search.html",
        {"query": query, "groups": grouped(results, titles), "count": len(results)},
    )


async def _person_number(row_id: int) -> str:
    row = await Person.select(Person.id_number).where(Person.id == row_id).first()
    if row is None:
        raise Refusal.not_found()
    return row["id_number"]


@get("/search/people/{row_id:int}", opt={"permission": "core.people.read"}, include_in_schema=False)
async def person_page(request: Request, row_id: int) -> Response:
    return await _person_page(request, row_id)


async def _person_page(
    request: Request, row_id: int, errors: dict[str, str] | None = None
) -> Response:
    number = await _person_number(row_id)
    context = {"person": await open_person(number), "row_id": row_id, "errors": errors or {}}
    return await render_page(request, "person.html", context, status_code=422 if errors else 200)


@post(
    "/search/people/{row_id:int}/death/revoke",
    opt={"permission": "core.people.death.revoke", CONFIRM: True},
    include_in_schema=False,
)
async def revoke_death_submit(request: Request, row_id: int) -> Response:
    """The reviewer's 死亡登记更正 from the person's page (same rule as the API)."""
    number = await _person_number(row_id)
    form = await read_form(request)
    lang = request_language(request)
    say = gettext_for(lang)
    target = f"/search/people/{row_id}"
    if not form.get("reason"):
        errors = {"reason": say(N_("Say why the death is revoked."))}
        return await _person_page(request, row_id, errors)
    if not confirmed(form):  # it cannot be undone from here: shown once more before it is done
        person = await open_person(number)
        return await confirmation_page(
            request,
            Confirmation(
                title=N_("Revoke a death recorded in error"),
                question=N_("Revoke the death recorded on %(day)s?"),
                back=target,
                fields=(("reason", form.get("reason")),),
                facts=(
                    (N_("Name"), person["name"]),
                    (N_("Reason"), form.get("reason")),
                ),
                warning=N_(
                    "Every service undoes what it did on hearing the death. This is audited."
                ),
                button=N_("Revoke the death"),
                kind="danger",
                params={"day": person["deceased_on"]},
            ),
        )
    try:
        await revoke_death(number, form.get("reason"))
    except Refusal as exc:
        if exc.status_code == 404:
            raise
        text = exc.text_in(lang)
        return set_flash(Redirect(target, status_code=303), text, "bad")
    text = gettext_for(lang)(
        N_("The death is revoked; every service has undone what it did on hearing it.")
    )
    return set_flash(Redirect(target, status_code=303), text, "ok")


ROUTES = [search_page, person_page, revoke_death_submit]
