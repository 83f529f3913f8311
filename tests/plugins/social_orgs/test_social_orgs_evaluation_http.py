"""Graded evaluation over HTTP: eligibility, grades across the thresholds, admin-edited policy,
public notice, announcement, validity and the grade certificate (社会组织评估管理办法)."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest

from core.certificates.service import check_code
from core.jobs import run_job
from core.plugins import get_host

pytestmark = pytest.mark.db

D = dt.date
EVALUATED_ON = D(2025, 6, 3)  # a Tuesday; five working days of notice end on 10 June


def sheet(total: int) -> dict[str, int]:
    """Default indicators (60 + 400 + 430 + 110) filled up to ``total``."""
    scores, left = {}, total
    for key, top in (
        ("basic_conditions", 60),
        ("internal_governance", 400),
        ("performance", 430),
        ("social_evaluation", 110),
    ):
        scores[key] = min(top, left)
        left -= scores[key]
    return scores


@pytest.fixture
def eligible_org(client, set_today, new_org, org_login, file_report):
    """An organization registered in January 2023 with its 2023 and 2024 reports filed."""

    async def make(**kwargs) -> str:
        code = await new_org(registered_on=D(2023, 1, 10), **kwargs)
        org = await org_login(code)
        await set_today(D(2025, 3, 1))
        for year in (2023, 2024):
            await file_report(code, year, org)
        await set_today(EVALUATED_ON)
        return code

    return make


async def evaluate(client, headers, code: str, scores: dict, year: int = 2025):
    return await client.post(
        f"/api/v1/orgs/{code}/evaluations", json={"year": year, "scores": scores}, headers=headers
    )


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (1000, "5A"),
        (900, "5A"),
        (899, "4A"),
        (800, "4A"),
        (700, "3A"),
        (699, "2A"),
        (500, "1A"),
        (499, None),
    ],
)
async def test_grades_across_the_thresholds(client, reviewer, eligible_org, total, grade):
    code = await eligible_org()
    r = await evaluate(client, reviewer, code, sheet(total))
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["total"], body["grade"], body["status"]) == (total, grade, "public_notice")
    assert body["notice_ends_on"] == "2025-06-10"
    # Expected validity if announced when the notice ends: 2026-01-01 … 2030-12-31.
    assert body["valid_until"] == ("2030-12-31" if grade else None)


async def test_scores_may_use_other_indicators(client, reviewer, eligible_org):
    code = await eligible_org()
    r = await evaluate(client, reviewer, code, {"governance": 450, "services": 450})
    assert r.status_code == 201 and r.json()["grade"] == "5A"


@pytest.mark.parametrize(
    "scores",
    [
        {**sheet(700), "basic_conditions": 61},  # over the indicator's maximum
        {**sheet(700), "performance": -1},
        {"a": 600, "b": 401},  # more than 1000 in all
        {"a": 80.5},
        {},
        {"a": True},
    ],
    ids=["over-max", "negative", "over-1000", "fraction", "empty", "boolean"],
)
async def test_invalid_scores(client, reviewer, eligible_org, scores):
    code = await eligible_org()
    r = await evaluate(client, reviewer, code, scores)
    assert r.status_code == 422 and r.json()["code"] == "INVALID_SCORES"
    assert r.json()["extra"]["problems"]


async def test_eligibility_two_full_years(
    client, reviewer, set_today, new_org, org_login, file_report
):
    code = await new_org(registered_on=D(2023, 6, 1))
    org = await org_login(code)
    await set_today(D(2025, 3, 1))
    for year in (2023, 2024):
        await file_report(code, year, org)
    await set_today(D(2025, 5, 31))  # one day short of two full years
    r = await evaluate(client, reviewer, code, sheet(800))
    assert r.status_code == 422 and r.json()["code"] == "NOT_ELIGIBLE_FOR_EVALUATION"
    await set_today(D(2025, 6, 1))
    assert (await evaluate(client, reviewer, code, sheet(800))).status_code == 201


async def test_an_abnormal_organization_is_not_eligible(client, reviewer, set_today, new_org):
    code = await new_org(registered_on=D(2020, 1, 1))
    await set_today(D(2025, 6, 3))
    r = await evaluate(client, reviewer, code, sheet(950))
    assert r.status_code == 422 and r.json()["code"] == "NOT_ELIGIBLE_FOR_EVALUATION"
    assert r.json()["extra"]["abnormal_years"]


async def test_evaluation_refusals(client, reviewer, staff, eligible_org):
    code = await eligible_org()
    clerk = await staff("clerk", office_code="JH09")
    assert (await evaluate(client, clerk, code, sheet(800))).status_code == 403
    assert (await evaluate(client, {}, code, sheet(800))).status_code == 401
    assert (await evaluate(client, reviewer, "51440704MJ9999999X", sheet(800))).status_code == 404
    future = await evaluate(client, reviewer, code, sheet(800), year=2031)
    assert future.status_code == 422 and future.json()["code"] == "INVALID_YEAR"
    assert (await evaluate(client, reviewer, code, sheet(800))).status_code == 201
    again = await evaluate(client, reviewer, code, sheet(900))
    assert again.status_code == 409 and again.json()["code"] == "ALREADY_EVALUATED"


async def test_notice_announcement_validity_and_certificate(
    client, reviewer, admin, set_today, eligible_org
):
    code = await eligible_org(name="江海区社区发展促进会")
    org_profile = f"/api/v1/orgs/{code}"
    created = (await evaluate(client, reviewer, code, sheet(850))).json()
    announce = f"/api/v1/orgs/evaluations/{created['id']}/announce"
    assert (await client.get(org_profile)).json()["grade"] is None  # not during the notice

    await set_today(D(2025, 6, 10))  # the notice's last day
    r = await client.post(announce, headers=reviewer)
    assert r.status_code == 422 and r.json()["code"] == "PUBLIC_NOTICE_NOT_OVER"

    await set_today(D(2025, 6, 11))
    r = await client.post(announce, headers=reviewer)
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["status"] == "announced" and result["announced_on"] == "2025-06-11"
    assert (result["valid_from"], result["valid_until"]) == ("2026-01-01", "2030-12-31")
    number = result["certificate_no"]
    assert number.startswith("PG440704-2025-")
    again = await client.post(announce, headers=reviewer)
    assert again.status_code == 409 and again.json()["code"] == "ALREADY_ANNOUNCED"

    profile = (await client.get(org_profile)).json()
    assert profile["grade"] == "4A" and profile["grade_valid_until"] == "2030-12-31"
    assert (await client.get(f"/api/v1/orgs/?q={code}")).json()["items"][0]["grade"] == "4A"

    pdf = await client.get(
        f"/api/v1/orgs/evaluations/{created['id']}/certificate", headers=reviewer
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (
        "社会组织评估等级证书",
        "江海区社区发展促进会",
        code,
        "4A",
        number,
        "2030年12月31日",
    ):
        assert expected in text, expected
    verified = (
        await client.get(f"/api/v1/verify/{number}", params={"c": check_code(number)})
    ).json()
    assert verified["valid"] is True and verified["kind"] == "org_grade"

    await set_today(D(2031, 1, 1))  # expired
    assert (await client.get(org_profile)).json()["grade"] is None


async def test_certificate_only_for_3a_and_above_and_only_for_its_org(
    client, reviewer, set_today, eligible_org, org_login
):
    low, high, other = await eligible_org(), await eligible_org(), await eligible_org()
    low_eval = (await evaluate(client, reviewer, low, sheet(650))).json()
    high_eval = (await evaluate(client, reviewer, high, sheet(720))).json()
    await set_today(D(2025, 6, 11))
    for evaluation in (low_eval, high_eval):
        await client.post(f"/api/v1/orgs/evaluations/{evaluation['id']}/announce", headers=reviewer)
    low_done = (
        await client.get(f"/api/v1/orgs/evaluations/{low_eval['id']}", headers=reviewer)
    ).json()
    assert low_done["grade"] == "2A" and low_done["certificate_no"] is None
    certificate = f"/api/v1/orgs/evaluations/{high_eval['id']}/certificate"
    assert (await client.get(certificate, headers=await org_login(high))).status_code == 200
    assert (await client.get(certificate, headers=await org_login(other))).status_code == 404
    assert (await client.get(certificate)).status_code == 401
    missing = f"/api/v1/orgs/evaluations/{low_eval['id']}/certificate"
    assert (await client.get(missing, headers=reviewer)).status_code == 404


async def test_the_daily_job_announces_when_the_notice_is_over(
    client, reviewer, set_today, eligible_org
):
    code = await eligible_org()
    created = (await evaluate(client, reviewer, code, sheet(910))).json()
    job = get_host().jobs["social_orgs.announce_evaluations"]
    await set_today(D(2025, 6, 10))
    assert await run_job(job, force=True) == "evaluations announced: 0"
    await set_today(D(2025, 6, 12))
    assert await run_job(job, force=True) == "evaluations announced: 1"
    done = (await client.get(f"/api/v1/orgs/evaluations/{created['id']}", headers=reviewer)).json()
    assert done["announced_on"] == "2025-06-12" and done["certificate_no"]


async def test_admin_edits_the_thresholds(client, reviewer, admin, audit_log, eligible_org):
    policy = (await client.get("/api/v1/orgs/evaluation-policy")).json()
    assert policy["thresholds"] == {"5A": 900, "4A": 800, "3A": 700, "2A": 600, "1A": 500}
    stricter = {"5A": 950, "4A": 850, "3A": 750, "2A": 650, "1A": 550}
    code = await eligible_org()
    r = await client.put(
        "/api/v1/orgs/evaluation-policy", json={"thresholds": stricter}, headers=reviewer
    )
    assert r.status_code == 403
    r = await client.put(
        "/api/v1/orgs/evaluation-policy", json={"thresholds": stricter}, headers=admin
    )
    assert r.status_code == 200, r.text
    assert r.json()["thresholds"] == stricter and r.json()["effective_from"] == "2025-06-03"
    assert (await evaluate(client, reviewer, code, sheet(920))).json()["grade"] == "4A"

    assert len(await audit_log("social_orgs.policy.changed")) == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"thresholds": {"5A": 800, "4A": 900, "3A": 700, "2A": 600, "1A": 500}},
            "INVALID_EVALUATION_POLICY",
        ),
        ({"thresholds": {"5A": 900, "4A": 800}}, "INVALID_EVALUATION_POLICY"),
        (
            {"thresholds": {"5A": 1001, "4A": 800, "3A": 700, "2A": 600, "1A": 500}},
            "INVALID_EVALUATION_POLICY",
        ),
        (
            {
                "thresholds": {"5A": 900, "4A": 800, "3A": 700, "2A": 600, "1A": 500},
                "indicators": [{"key": "all", "label": "综合", "max_points": 900}],
            },
            "INVALID_EVALUATION_POLICY",
        ),
        (
            {
                "thresholds": {"5A": 900, "4A": 800, "3A": 700, "2A": 600, "1A": 500},
                "effective_from": "2020-01-01",
            },
            "INVALID_EFFECTIVE_DATE",
        ),
    ],
    ids=["not-decreasing", "missing-grades", "over-1000", "indicators-not-1000", "in-the-past"],
)
async def test_invalid_policies_are_refused(client, admin, body, code):
    r = await client.put("/api/v1/orgs/evaluation-policy", json=body, headers=admin)
    assert r.status_code == 422 and r.json()["code"] == code


async def test_a_future_policy_waits_for_its_day(client, reviewer, admin, set_today, eligible_org):
    code = await eligible_org()
    body = {
        "thresholds": {"5A": 950, "4A": 850, "3A": 750, "2A": 650, "1A": 550},
        "effective_from": "2025-07-01",
    }
    assert (
        await client.put("/api/v1/orgs/evaluation-policy", json=body, headers=admin)
    ).status_code == 200
    assert (await client.get("/api/v1/orgs/evaluation-policy")).json()["thresholds"]["5A"] == 900
    assert (await evaluate(client, reviewer, code, sheet(920))).json()["grade"] == "5A"
    await set_today(D(2025, 7, 1))
    assert (await client.get("/api/v1/orgs/evaluation-policy")).json()["thresholds"]["5A"] == 950
