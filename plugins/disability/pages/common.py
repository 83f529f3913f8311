"""What every disability page needs: the signed-in user, form fields, redirects, labels."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body

from core.refusals import Refusal
from core.web.forms import N_
from core.web.rendering import request_language

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)

STATUS_LABELS = {
    "submitted": N_("Awaiting street review"),
    "street_approved": N_("Awaiting district approval"),
    "approved": N_("Being paid"),
    "stopped": N_("Stopped"),
    "rejected": N_("Not approved"),
    "active": N_("Being paid"),
    "running": N_("Running"),
    "complete": N_("Complete"),
}
SUBSIDY_LABELS = {"living": N_("Living subsidy"), "nursing": N_("Nursing subsidy")}
CATEGORY_LABELS = {
    1: N_("Visual"),
    2: N_("Hearing"),
    3: N_("Speech"),
    4: N_("Physical"),
    5: N_("Intellectual"),
    6: N_("Mental"),
    7: N_("Multiple"),
}
STOP_LABELS = {
    "death": N_("Death"),
    "hukou_moved_out": N_("Hukou moved out of the district"),
    "left_dibao": N_("Left the dibao roster"),
    "grade_change": N_("Grade change"),
    "fraud": N_("Fraud"),
    "request": N_("At the person's request"),
}
LABELS = {
    "status_labels": STATUS_LABELS,
    "subsidy_labels": SUBSIDY_LABELS,
    "category_labels": CATEGORY_LABELS,
    "stop_labels": STOP_LABELS,
}


def error_text(request: Request, error: Refusal | None) -> str:
    """A refusal's text in the page's language ("" for none)."""
    return "" if error is None else error.text_in(request_language(request))


def text(form: dict[str, Any], name: str) -> str:
    """One posted field, trimmed, without NUL characters (no database stores them)."""
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).replace("\x00", "").strip()


def many(form: dict[str, Any], name: str) -> list[str]:
    value = form.get(name, [])
    return [str(v) for v in (value if isinstance(value, list) else [value]) if v]


def checked(form: dict[str, Any], name: str) -> bool:
    return text(form, name) in ("1", "on", "true", "yes")
