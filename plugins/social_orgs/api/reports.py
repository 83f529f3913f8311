"""Annual-report endpoints: the organization files, a clerk returns and inspects."""

from __future__ import annotations

from litestar import Request, get, post, put
from litestar.params import Parameter

from core.auth.guards import require_user
from core.pagination import Page, page_params
from core.schemas import to_out
from plugins.social_orgs.api.access import READ_REPORTS, own_org, readable_org
from plugins.social_orgs.schemas import AnnualReportIn, AnnualReportOut, InspectionIn, ReturnIn
from plugins.social_orgs.services import reports

TAGS = ["social organizations: annual reports"]
FILE = {"permission": "social_orgs.report.file"}
INSPECT = {"permission": "social_orgs.inspect"}
PATH = "/{uscc:str}/annual-reports/{year:int}"


@get("/annual-reports", opt={"permission": READ_REPORTS}, tags=TAGS, summary="Reports (staff)")
async def report_list(
    year: int | None = Parameter(default=None, ge=2000, le=2100),
    status: str | None = Parameter(default=None, max_length=16),
    inspected: bool | None = Parameter(default=None),
    limit: int | None = Parameter(default=None),
    offset: int | None = Parameter(default=None),
) -> Page[AnnualReportOut]:
    found = await reports.report_list(
        page_params(limit, offset), year=year, status=status, inspected=inspected
    )
    return to_out(Page[AnnualReportOut], found)


@get("/{uscc:str}/annual-reports", opt={"auth": True}, tags=TAGS, summary="One org's reports")
async def reports_of(request: Request, uscc: str) -> list[AnnualReportOut]:
    return to_out(list[AnnualReportOut], await reports.reports_of(readable_org(request, uscc)))


@get(PATH, opt={"auth": True}, tags=TAGS, summary="Read a report")
async def read_report(request: Request, uscc: str, year: int) -> AnnualReportOut:
    return to_out(AnnualReportOut, await reports.get_report(readable_org(request, uscc), year))


@put(PATH, opt=FILE, tags=TAGS, summary="Save the report as a draft")
async def save_draft(
    request: Request, uscc: str, year: int, data: AnnualReportIn
) -> AnnualReportOut:
    body = await reports.save_draft(own_org(request, uscc), year, data.fields())
    return to_out(AnnualReportOut, body)


@post(
    PATH + "/submit",
    opt={**FILE, "idempotent": True},
    status_code=200,
    tags=TAGS,
    summary="Submit the report",
)
async def submit(
    request: Request, uscc: str, year: int, data: AnnualReportIn | None = None
) -> AnnualReportOut:
    body = await reports.submit(
        own_org(request, uscc), year, data.fields() if data is not None else None
    )
    return to_out(AnnualReportOut, body)


@post(PATH + "/return", opt=INSPECT, status_code=200, tags=TAGS, summary="Return for correction")
async def return_report(uscc: str, year: int, data: ReturnIn) -> AnnualReportOut:
    body = await reports.return_for_correction(uscc, year, data.reason)
    return to_out(AnnualReportOut, body)


@post(PATH + "/inspection", opt=INSPECT, status_code=200, tags=TAGS, summary="Annual inspection")
async def inspect(request: Request, uscc: str, year: int, data: InspectionIn) -> AnnualReportOut:
    user = require_user(request)
    body = await reports.inspect(uscc, year, data.result, data.note, user.username)
    return to_out(AnnualReportOut, body)


ROUTES = [report_list, reports_of, read_report, save_draft, submit, return_report, inspect]
