"""The plan's coverage indicators for the living and the nursing subsidy (target 100%)."""

from __future__ import annotations


def coverage(paid_people: int, eligible_people: int) -> float | None:
    """Paid people ÷ eligible people in the roster; None when nobody is eligible (no rate)."""
    if paid_people < 0 or eligible_people < 0:
        raise ValueError("people counts cannot be negative")
    if eligible_people == 0:
        return None
    return paid_people / eligible_people
