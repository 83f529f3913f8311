"""The funeral API under ``/api/v1/funeral`` (API.md "Funeral"): parse, call a service, shape."""

from plugins.funeral.api import policy, settlements, waivers

ROUTES = [*policy.ROUTES, *waivers.ROUTES, *settlements.ROUTES]
