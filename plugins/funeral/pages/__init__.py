"""Server-rendered pages of the funeral plugin (``/funeral``): forms post back here with the
session's ``_csrf`` and redirect (303) with a one-time message."""

from plugins.funeral.pages import intake, policy, records, settlements

ROUTES = [*policy.ROUTES, *intake.ROUTES, *records.ROUTES, *settlements.ROUTES]
