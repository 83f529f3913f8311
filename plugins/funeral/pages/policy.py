"""The service's front page (the waiver policy in force, for everyone) and the admin's form to
save a new policy version."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request, Response, get, post

from core.clock import today
from core.i18n import gettext_for
from core.people.records import ROSTER_CATEGORIES
from core.refusals import Refusal
from core.web.forms import N_, Form, read_form
from core.web.redirects import redirect_after_form
from core.web.rendering import render_page, request_language
from plugins.funeral.pages.common import fen_from_yuan, yuan_text
from plugins.funeral.rules import EXCLUDABLE_CATEGORIES, WaiverPolicy
from plugins.funeral.schemas import WaiverPolicyIn
from plugins.funeral.services.policy import policy_on, policy_versions, save_policy

WRITE = {"permission": "funeral.policy.write"}
BLANK_ROWS = 1


@get("/", opt={"public": True}, include_in_schema=False)
async def home_page(request: Request) -> Response:
    stored = await policy_on(await today())
    return await render_page(request, "funeral/index.html", {"policy": stored.policy})


def _form_values(policy: WaiverPolicy) -> dict[str, Any]:
    rows = [
        {
            "code": i.code,
            "name": i.name,
            "cap": yuan_text(i.cap_fen),
            "unit": i.unit,
            "max_units": str(i.max_units),
        }
        for i in policy.items
    ]
    rows += [{"code": "", "name": "", "cap": "", "unit": "case", "max_units": "1"}] * BLANK_ROWS
    return {
        "rows": rows,
        "categories": list(policy.eligible_categories),
        "all_local_residents": policy.all_local_residents,
        "local_divisions": " ".join(policy.local_divisions),
        "excluded_categories": list(policy.excluded_categories),
        "total_cap": "" if policy.total_cap_fen is None else yuan_text(policy.total_cap_fen),
        "effective_from": "",
    }


def _posted(form: Form) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form's rows as kept values and as the API body (rows without a code are dropped)."""
    rows, items = [], []
    index = 0
    while f"code_{index}" in form.values:
        row = {
            key: form.get(f"{key}_{index}") for key in ("code", "name", "cap", "unit", "max_units")
        }
        rows.append(row)
        if row["code"]:
            try:
                cap = fen_from_yuan(row["cap"])
                units = int(row["max_units"] or "1")
            except ValueError:
                cap, units = -1, 0  # refused below with the policy's own message
            items.append(
                {
                    "code": row["code"],
                    "name": row["name"],
                    "cap_fen": cap,
                    "unit": row["unit"],
                    "max_units": units,
                }
            )
        index += 1
    kept = {
        "rows": rows,
        "categories": form.getall("categories"),
        "all_local_residents": form.get("all_local_residents") == "1",
        "local_divisions": form.get("local_divisions"),
        "excluded_categories": form.getall("excluded_categories"),
        "total_cap": form.get("total_cap"),
        "effective_from": form.get("effective_from"),
    }
    body: dict[str, Any] = {
        "items": items,
        "eligible_categories": kept["categories"],
        "all_local_residents": kept["all_local_residents"],
        "local_divisions": re.split(r"[\s,，、;；]+", kept["local_divisions"].strip())
        if kept["local_divisions"].strip()
        else [],
        "excluded_categories": kept["excluded_categories"],
    }
    if kept["total_cap"]:
        try:
            body["total_cap_fen"] = fen_from_yuan(kept["total_cap"])
        except ValueError:
            body["total_cap_fen"] = -1  # refused with the policy's own message
    if kept["effective_from"]:
        body["effective_from"] = kept["effective_from"]
    return kept, body


async def _page(request: Request, form: dict[str, Any], error: str = "", status: int = 200):
    stored = await policy_on(await today())
    return await render_page(
        request,
        "funeral/policy.html",
        {
            "form": form,
            "error": error,
            "stored": stored,
            "versions": await policy_versions(),
            "roster_categories": list(ROSTER_CATEGORIES),
            "excludable": EXCLUDABLE_CATEGORIES,
        },
        status_code=status,
    )


@get("/policy", opt=WRITE, include_in_schema=False)
async def policy_page(request: Request) -> Response:
    stored = await policy_on(await today())
    policy = stored.policy
    form = _form_values(policy)
    return await _page(request, form)


@post("/policy", opt=WRITE, include_in_schema=False)
async def policy_submit(request: Request) -> Response:
    kept, body = _posted(await read_form(request))
    lang = request_language(request)
    try:
        await save_policy(msgspec.convert(body, WaiverPolicyIn), await today())
    except msgspec.ValidationError:
        message = gettext_for(lang)(
            N_("Every service needs a code, a name, a cap and a unit; dates are YYYY-MM-DD.")
        )
        return await _page(request, kept, message, 422)
    except Refusal as exc:
        return await _page(request, kept, exc.text_in(lang), exc.status_code)
    return redirect_after_form(request, "/funeral/policy", N_("The new policy version is saved."))


ROUTES = [home_page, policy_page, policy_submit]
