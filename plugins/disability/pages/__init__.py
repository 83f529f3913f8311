"""Pages of the disability plugin under ``/disability`` (Chinese, with English msgids)."""

from plugins.disability.pages import applications, beneficiaries, payroll

PAGES = [*applications.ROUTES, *beneficiaries.ROUTES, *payroll.ROUTES]
