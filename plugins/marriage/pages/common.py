"""What the marriage pages share: labels, redirects with a message, refusals as text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request

from core.refusals import Refusal
from core.web.forms import N_
from core.web.rendering import request_language
from plugins.marriage.services.search import STATUS_PHRASES

SERVICES = {
    "marriage": N_("Marriage registration"),
    "divorce": N_("Divorce registration"),
    "reissue": N_("Certificate reissue"),
}
APPOINTMENT_STATUSES = {
    "booked": N_("Booked"),
    "checked_in": N_("Checked in"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
    "no_show": N_("No-show"),
}
APPOINTMENT_TONES = {
    "booked": "info",
    "checked_in": "warn",
    "completed": "ok",
    "cancelled": "neutral",
    "no_show": "bad",
}
MARITAL_STATUSES = {status: phrase.message for status, phrase in STATUS_PHRASES.items()}
RECORD_KINDS = {
    "married": N_("Married"),
    "divorced": N_("Divorced"),
    "spouse_died": N_("Spouse died"),
}
DIVORCE_STATUSES = {
    "cooling_off": N_("Cooling-off"),
    "withdrawn": N_("Withdrawn"),
    "registered": N_("Registered"),
    "expired": N_("Expired"),
    "closed": N_("Closed"),
}
WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
LABELS = {
    "service_names": SERVICES,
    "appointment_statuses": APPOINTMENT_STATUSES,
    "appointment_tones": APPOINTMENT_TONES,
    "marital_statuses": MARITAL_STATUSES,
    "record_kinds": RECORD_KINDS,
    "divorce_statuses": DIVORCE_STATUSES,
    "weekdays": WEEKDAYS,
}


def refusal_text(request: Request, exc: Refusal) -> str:
    return exc.text_in(request_language(request))


def parse_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def context(**values: Any) -> dict[str, Any]:
    return {**LABELS, **values}
