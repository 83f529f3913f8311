"""Object scope of clerks: a clerk reaches only the records of the office their account is bound to.

Appointments, registrations (and their certificates) and divorce applications belong to one
registry office. A clerk of another office gets the same 404 as for a record that does not
exist, so that the answer does not even confirm it exists. Acting *at* another office (booking
lists, registering) stays a 403 (``own_office``): offices are public, their records are not.
Reading a record with full identity numbers writes an audit event.
"""

from __future__ import annotations

from core import audit
from core.auth.identity import CurrentUser


def in_office_scope(user: CurrentUser, office_code: str | None) -> bool:
    """True when ``user`` is staff bound to ``office_code``."""
    return bool(user.is_staff and user.office_code and user.office_code == office_code)


async def audit_full_read(entity: str, entity_id: str | int, summary: str) -> None:
    """Record that a clerk read a record with full personal data."""
    await audit.record(
        f"marriage.{entity}.read", entity=entity, entity_id=entity_id, summary=summary
    )
