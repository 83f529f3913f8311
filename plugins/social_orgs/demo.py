"""Demo data: 40 organizations of the three kinds with every report since their registration
(recent ones partly late or missing), inspections, two announced grades with certificates, one
result under public notice, a published spot check and two organization accounts.

History is written straight into the tables (it happened on past dates the services would stamp
as today); one audit event records the load. A second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from stdnum.cn.uscc import calc_check_digit

from core import audit
from core.auth.accounts import create_org_account
from core.calendar_store import load_calendar
from core.db import write_transaction
from core.refusals import Refusal
from plugins.social_orgs.certificates import issue_grade_certificate
from plugins.social_orgs.rules import (
    DEFAULT_THRESHOLDS,
    KIND_DIGITS,
    grade_for,
    grade_validity,
    public_notice_end,
    report_deadline,
    report_due,
)
from plugins.social_orgs.services.common import dumps
from plugins.social_orgs.services.spot_checks import draw
from plugins.social_orgs.tables import AnnualReport, Evaluation, Organization

GROUPS = (
    "江海区志愿者协会", "江海区慈善会", "江海区书法家协会", "江海区摄影家协会",
    "江海区老年人体育协会", "江海区个体劳动者协会", "江海区餐饮行业协会", "江海区物业管理协会",
    "江海区篮球协会", "江海区围棋协会", "江海区作家协会", "江海区美术家协会",
    "江海区外海街道商会", "江海区礼乐街道商会", "江海区江南街道老年人协会", "江海区家庭教育促进会",
    "江海区青年企业家协会", "江海区电子商务协会", "江海区跆拳道协会", "江海区钓鱼协会",
    "江海区社会工作者协会", "江海区退役军人服务协会", "江海区红白理事会", "江海区粤剧曲艺协会",
)  # fmt: skip
SERVICES = (
    "江海区阳光社会工作服务中心", "江海区启智康复中心", "江海区金色年华养老服务中心",
    "江海区彩虹儿童托管服务中心", "江海区心语心理咨询服务中心", "江海区和谐社区发展服务中心",
    "江海区惠民职业培训学校", "江海区绿洲环保服务中心", "江海区长者饭堂服务中心",
    "江海区助残服务中心", "江海区新市民融合服务中心", "江海区乐龄学堂",
)  # fmt: skip
FOUNDATIONS = (
    "江门市江海区慈善基金会", "江海区教育发展基金会", "江海区见义勇为基金会",
    "江海区乡村振兴基金会",
)  # fmt: skip
REPRESENTATIVES = (
    "陈志明", "李秀英", "黄伟强", "梁美玲", "吴国华", "张丽娟", "林建新", "何少芬",
    "周文杰", "谭惠珍", "冯家豪", "赵雪梅", "钟永康", "邓翠萍",
)  # fmt: skip

MISSING_TWO_YEARS = {5, 17}  # → deregistration proposals
MISSING_LAST_YEAR = {9, 22, 31}  # → the abnormal list
LATE = {3, 14, 27, 35}
GRADED = {0: 925, 24: 745}  # announced last year: 5A and 3A
UNDER_NOTICE = {36: 812}
ACCOUNTS = {0: "org-volunteers", 24: "org-sunshine"}


def _orgs(today: dt.date) -> list[dict[str, Any]]:
    names = (
        [(name, "social_group") for name in GROUPS]
        + [(name, "social_service") for name in SERVICES]
        + [(name, "foundation") for name in FOUNDATIONS]
    )
    orgs = []
    for i, (name, kind) in enumerate(names):
        first17 = f"5{KIND_DIGITS[kind]}440704MJL{i + 1:06d}"  # type: ignore[index]
        years_ago = 12 if i in GRADED or i in UNDER_NOTICE else 2 + (i * 7) % 12
        registered = dt.date(today.year - years_ago, 1 + i % 12, 1 + (i * 3) % 27)
        if i in (38, 39):  # registered this summer: no report owed yet
            registered = min(today, dt.date(today.year, 7, 1 + i - 38))
        orgs.append(
            {
                "uscc": first17 + calc_check_digit(first17),
                "name": name,
                "kind": kind,
                "registered_on": registered,
                "legal_representative": REPRESENTATIVES[i % len(REPRESENTATIVES)],
                "staff_count": 3 + (i * 5) % 30,
                "contact_phone": f"1380750{i:04d}" if i % 3 == 0 else "",
            }
        )
    return orgs


def _content(i: int, year: int) -> dict[str, Any]:
    revenue = (80_000 + i * 13_700 + (year % 10) * 4_100) * 100
    return {
        "activities": (
            f"{year}年开展公益服务和会员活动{12 + i % 30}场，服务群众{300 + i * 41}人次。"
        ),
        "revenue_fen": revenue,
        "expenditure_fen": revenue * (85 + i % 12) // 100,
        "net_assets_fen": (30_000 + i * 2_300) * 100,
        "full_time_staff": 2 + i % 9,
        "volunteers": 10 + (i * 17) % 200,
        "party_organization": ("standalone", "joint", "none")[i % 3],
        "officer_changes": "无" if i % 4 else "秘书长换届",
        "donations_received_fen": (i % 5) * 12_000 * 100,
    }


def _report(i: int, org: dict[str, Any], year: int, today: dt.date) -> AnnualReport | None:
    """The demo history of one report, or None when the organization never filed it."""
    last = today.year - 1
    if (i in MISSING_TWO_YEARS and year >= last - 1) or (i in MISSING_LAST_YEAR and year == last):
        return None
    deadline = report_deadline(org["kind"], year)
    late = i in LATE and year == last - 1
    submitted = deadline + dt.timedelta(days=20) if late else deadline - dt.timedelta(days=9 + i)
    report = AnnualReport(
        uscc=org["uscc"], year=year, content=dumps(_content(i, year)), deadline=deadline
    )
    if submitted > today:  # not filed yet this season: a draft
        report.status = "draft"
        return report
    report.status, report.submitted_on, report.late = "submitted", submitted, late
    inspected = submitted + dt.timedelta(days=45)
    if inspected <= today and (year < last or i % 2 == 0):
        report.inspection_result = (
            "unqualified" if i % 13 == 4 else "basically_qualified" if i % 7 == 2 else "qualified"
        )
        report.inspection_note = "" if report.inspection_result == "qualified" else "财务管理待规范"
        report.inspected_on = inspected
        report.inspected_by = "clerk"
    return report


async def _evaluation(org: dict[str, Any], total: int, on: dt.date, today: dt.date) -> None:
    grade = grade_for(total, DEFAULT_THRESHOLDS)
    notice_end = public_notice_end(await load_calendar(), on)
    row = Evaluation(
        uscc=org["uscc"],
        year=on.year,
        scores=dumps({"overall": total}),
        total=total,
        grade=grade,
        thresholds=dumps(dict(DEFAULT_THRESHOLDS)),
        status="public_notice",
        evaluated_on=on,
        notice_ends_on=notice_end,
        evaluated_by="reviewer",
    )
    announced = notice_end + dt.timedelta(days=1)
    if announced <= today and grade is not None:
        row.status, row.announced_on = "announced", announced
        row.valid_from, row.valid_until = grade_validity(announced)
        row.certificate_no = await issue_grade_certificate(
            org, grade, on.year, row.valid_from, row.valid_until, issued_on=announced
        )
    await Evaluation.insert(row)


async def load_demo(today: dt.date) -> str:
    orgs = _orgs(today)
    if await Organization.exists().where(Organization.uscc == orgs[0]["uscc"]):
        return "social organizations already loaded"
    reports = 0
    async with write_transaction():
        await Organization.insert(*[Organization(**org) for org in orgs])
        for i, org in enumerate(orgs):
            rows = [
                report
                for year in range(org["registered_on"].year, today.year)
                if report_due(org["registered_on"], year)
                and (report := _report(i, org, year, today)) is not None
            ]
            if rows:
                await AnnualReport.insert(*rows)
                reports += len(rows)
        for i, total in GRADED.items():
            await _evaluation(orgs[i], total, dt.date(today.year - 1, 9, 15), today)
        for i, total in UNDER_NOTICE.items():
            await _evaluation(orgs[i], total, today - dt.timedelta(days=1), today)
        await audit.record(
            "social_orgs.demo.loaded",
            entity="social_org",
            summary=f"载入演示数据：社会组织{len(orgs)}家，年度报告{reports}份",
        )
    lines = [f"{len(orgs)} organizations, {reports} annual reports"]
    for i, username in ACCOUNTS.items():
        password = secrets.token_urlsafe(9)
        await create_org_account(username, password, orgs[i]["uscc"], orgs[i]["name"])
        lines.append(f"org account {username} / {password} ({orgs[i]['name']})")
    try:
        drawn = await draw(today.year, None, f"demo-{today.year}", "reviewer", today)
        lines.append(f"spot check of {len(drawn['selected'])} with seed {drawn['seed']}")
    except Refusal as exc:  # no two inspectors among the staff yet
        lines.append(f"no spot check: {exc.code}")
    return "; ".join(lines)
