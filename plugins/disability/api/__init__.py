"""The disability API under ``/api/v1/disability`` (API.md "Disability subsidies")."""

from plugins.disability.api import applications, beneficiaries, payroll, standards

ROUTES = [*standards.ROUTES, *applications.ROUTES, *beneficiaries.ROUTES, *payroll.ROUTES]
