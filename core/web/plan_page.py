"""The administrator's page for a plan period's targets (``/admin/plan``): the 15th plan's
(2026–2030) target, unit and direction for every indicator the services compute; every change
audited (core.plan). The 14th plan's targets are the services' own and are shown read-only."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post

from core.auth.guards import require_user
from core.i18n import gettext_for
from core.plan import (
    COMPARISONS,
    FIFTEENTH,
    PERIODS,
    PlanTargetEntry,
    entered_targets,
    parse_target,
    period_by_key,
    set_targets,
)
from core.refusals import Refusal
from core.web.dashboard import unit_in
from core.web.forms import N_, read_form
from core.web.redirects import redirect_after_form
from core.web.rendering import render_page, request_language

ADMIN = {"permission": "core.admin"}
DIRECTIONS = {
    ">=": N_("At least (≥)"),
    "<=": N_("At most (≤)"),
    "none": N_("No target"),
}


async def _page(
    request: Request,
    plan_key: str,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    period = period_by_key(plan_key)
    lang = request_language(request)
    say = gettext_for(lang)
    indicators = await request.app.state.host.indicators(period.first_year)
    entered = await entered_targets(period)
    rows = []
    for indicator in indicators:
        entry = entered.get(indicator.key)
        if period is FIFTEENTH:
            target = "" if entry is None or entry.target is None else f"{entry.target:g}"
            unit = entry.unit if entry else indicator.unit
            comparison = entry.comparison if entry else "none"
        else:
            target = "" if indicator.target is None else f"{indicator.target:g}"
            unit, comparison = indicator.unit, indicator.comparison
        key = indicator.key
        values = form or {}
        rows.append(
            {
                "key": key,
                "name": indicator.name if lang == "zh" else indicator.name_en,
                "unit_measured": unit_in(indicator.unit, lang),
                "target": values.get(f"target:{key}", target),
                "unit": values.get(f"unit:{key}", unit),
                "unit_shown": unit_in(unit, lang),
                "comparison": values.get(f"comparison:{key}", comparison),
            }
        )
    return await render_page(
        request,
        "admin/plan.html",
        {
            "period": period,
            "periods": [(p.key, p.label_in(lang)) for p in PERIODS],
            "editable": period is FIFTEENTH,
            "rows": rows,
            "errors": errors or {},
            "directions": [(value, say(label)) for value, label in DIRECTIONS.items()],
        },
        status_code=status_code,
    )


@get("/admin/plan", opt=ADMIN, include_in_schema=False)
async def plan_page(request: Request) -> Response:
    return await _page(request, request.query_params.get("plan", FIFTEENTH.key))


def _entries(form: Any, keys: list[str], lang: str) -> tuple[list[PlanTargetEntry], dict]:
    say = gettext_for(lang)
    entries, errors = [], {}
    for key in keys:
        comparison = form.get(f"comparison:{key}") or "none"
        try:
            target = parse_target(form.get(f"target:{key}"))
        except ValueError:
            errors[f"target:{key}"] = say(N_("Enter the target as a number, such as 95 or 6.5."))
            continue
        if comparison not in COMPARISONS:
            errors[f"comparison:{key}"] = say(N_("Choose a direction."))
            continue
        if target is None and comparison != "none":
            errors[f"target:{key}"] = say(N_("Enter the target, or choose “No target”."))
            continue
        entries.append(PlanTargetEntry(key, target, form.get(f"unit:{key}")[:20], comparison))
    return entries, errors


@post("/admin/plan", opt=ADMIN, include_in_schema=False)
async def plan_submit(request: Request) -> Response:
    form = await read_form(request)
    lang = request_language(request)
    indicators = await request.app.state.host.indicators(FIFTEENTH.first_year)
    entries, errors = _entries(form, [i.key for i in indicators], lang)
    if errors:
        return await _page(request, FIFTEENTH.key, errors, dict(form.values), 422)
    try:
        changed = await set_targets(FIFTEENTH, entries, require_user(request).audit_name)
    except Refusal as exc:
        errors = {"": exc.text_in(lang)}
        return await _page(request, FIFTEENTH.key, errors, dict(form.values), exc.status_code)
    message = (
        N_("The plan targets are saved.") if changed else N_("Nothing changed in the targets.")
    )
    return redirect_after_form(request, f"/admin/plan?plan={FIFTEENTH.key}", message)


ROUTES = [plan_page, plan_submit]
