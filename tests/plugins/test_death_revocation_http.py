"""Issue 11 items 6 and 7 over HTTP, across all four plugins: a death recorded in error (through a
funeral waiver) is heard by every plugin, then revoked by a reviewer (死亡登记更正), and every
plugin undoes its own reaction; a legal representative's death opens a change task that a
clerk's 变更登记 closes."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories

pytestmark = pytest.mark.db

DIS = "/api/v1/disability"
MAR = "/api/v1/marriage"
FUN = "/api/v1/funeral"
ORGS = "/api/v1/orgs"


class World:
    def __init__(self, client, admin, clerk, reviewer) -> None:
        self.client, self.admin, self.clerk, self.reviewer = client, admin, clerk, reviewer

    async def today(self, day: dt.date) -> None:
        await factories.set_today(self.client, self.admin, day)

    async def ok(self, method: str, url: str, status: int = 200, **kwargs):
        kwargs.setdefault("headers", self.clerk)
        r = await self.client.request(method, url, **kwargs)
        assert r.status_code == status, (url, r.text)
        return r.json()

    async def marry(self, man: str, man_name: str, woman: str, woman_name: str) -> None:
        party = lambda n, name: {"id_number": n, "name": name, "hukou_division": "440704"}  # noqa: E731
        await self.ok(
            "POST",
            f"{MAR}/registrations",
            201,
            json={
                "kind": "marriage",
                "office_code": "JH01",
                "party_a": party(man, man_name),
                "party_b": party(woman, woman_name),
            },
        )

    async def status(self, id_number: str) -> str:
        return (await self.ok("GET", f"{MAR}/status/{id_number}"))["marital_status"]

    async def approved_beneficiary(self, id_number: str) -> int:
        body = {
            "id_number": id_number,
            "name": "王建国",
            "disability_card_no": f"{id_number}41",
            "category": 4,
            "grade": 1,
            "subsidies": ["living", "nursing"],
        }
        application = await self.ok("POST", f"{DIS}/applications", 201, json=body)
        await self.ok(
            "POST",
            f"{DIS}/applications/{application['id']}/street-review",
            json={"approve": True, "note": "属实"},
        )
        await self.ok(
            "POST", f"{DIS}/applications/{application['id']}/approve", headers=self.reviewer
        )
        return application["id"]

    async def grants(self, application_id: int) -> dict:
        body = await self.ok("GET", f"{DIS}/beneficiaries/{application_id}", headers=self.reviewer)
        return {
            "status": body["status"],
            **{g["subsidy"]: g["stops_from"] for g in body["grants"]},
        }

    async def paid_months(self, month: str, id_number: str) -> list[tuple[str, str]]:
        await self.ok("POST", f"{DIS}/payroll/{month}", headers=self.reviewer)
        run = await self.ok(
            "GET", f"{DIS}/payroll/{month}", headers=self.reviewer, params={"limit": 500}
        )
        masked = id_number[:6] + "********" + id_number[-4:]
        return sorted(
            (line["subsidy"], line["period_month"])
            for line in run["lines"]["items"]
            if line["id_number"] == masked and line["amount_fen"] > 0
        )

    async def settlement(self, month: str) -> dict:
        rows = await self.ok("GET", f"{FUN}/settlements/{month}", headers=self.reviewer)
        return {row["funeral_home"]: row for row in rows}

    async def org_tasks(self, headers=None) -> dict:
        return await self.ok("GET", f"{ORGS}/tasks", headers=headers or self.clerk)


@pytest.fixture
async def world(client, staff) -> World:
    from core.people.roster import import_roster

    w = World(
        client,
        await staff("admin"),
        await staff("clerk", office_code="JH01"),
        await staff("reviewer"),
    )
    await w.today(dt.date(2026, 3, 3))
    await w.ok(
        "POST",
        f"{MAR}/offices",
        201,
        json={"code": "JH01", "name": "江海区婚姻登记处", "division_code": "440704"},
        headers=w.admin,
    )
    w.import_roster = import_roster  # type: ignore[attr-defined]
    return w


async def test_a_death_recorded_in_error_is_revoked_and_every_plugin_undoes_its_reaction(world):
    w = world
    husband = factories.id_number(dt.date(1996, 5, 1), "male", "440704", 1)
    wife = factories.id_number(dt.date(1997, 8, 15), "female", "440704", 2)
    # March 2026: married, on dibao, both disability subsidies, legal representative of a group.
    await w.marry(husband, "陈大文", wife, "李小红")
    roster = f"id_number,name,category,valid_from,valid_to\n{husband},陈大文,dibao,2025-01-01,\n"
    assert not (await w.import_roster(roster.encode(), "roster.csv")).rejected
    application = await w.approved_beneficiary(husband)
    code = factories.uscc("social_group", 1)
    await w.ok(
        "POST",
        f"{ORGS}/",
        201,
        json={
            "uscc": code,
            "name": "江海区助老协会",
            "kind": "social_group",
            "registered_on": "2020-03-01",
            "legal_representative": "陈大文",
            "legal_representative_id_number": husband,
            "staff_count": 3,
        },
    )
    assert await w.paid_months("2026-03", husband) == [
        ("living", "2026-03"),
        ("nursing", "2026-03"),
    ]
    assert (await w.org_tasks())["total"] == 0

    # 20 April: the funeral home records a waiver naming him: the death is recorded in error.
    await w.today(dt.date(2026, 4, 20))
    waiver = await w.ok(
        "POST",
        f"{FUN}/waivers",
        201,
        json={
            "deceased": {"id_number": husband, "name": "陈大文", "died_on": "2026-04-18"},
            "funeral_home": "江门市殡仪馆",
            "applicant": {"name": "陈明", "phone": "13800138000", "relation": "儿子"},
            "items": [{"code": "cremation", "fee_fen": 30000}],
        },
    )
    assert waiver["status"] == "approved" and waiver["waived_fen"] > 0
    person = await w.ok("GET", f"/api/v1/people/{husband}")
    assert person["deceased_on"] == "2026-04-18"
    assert await w.status(wife) == "widowed"
    assert await w.grants(application) == {
        "status": "stopped",
        "living": "2026-05",
        "nursing": "2026-05",
    }
    tasks = await w.org_tasks(headers=w.reviewer)
    assert tasks["total"] == 1
    [task] = tasks["items"]
    assert (task["uscc"], task["kind"], task["opened_on"]) == (
        code,
        "legal_representative_change",
        "2026-04-20",
    )
    assert "2026-04-18" in task["reason"]

    # May: April is paid and its settlement confirmed; nothing is paid for May.
    await w.today(dt.date(2026, 5, 4))
    assert await w.paid_months("2026-04", husband) == [
        ("living", "2026-04"),
        ("nursing", "2026-04"),
    ]
    assert await w.paid_months("2026-05", husband) == []
    await w.ok("POST", f"{FUN}/settlements/2026-04/confirm", 201, headers=w.reviewer)
    april = await w.settlement("2026-04")
    assert april["江门市殡仪馆"]["cases"] == 1

    # 11 May: a reviewer revokes the death.
    await w.today(dt.date(2026, 5, 11))
    revoked = await w.ok(
        "POST",
        f"/api/v1/people/{husband}/death/revoke",
        json={"reason": "殡仪馆登记错了逝者身份证号"},
        headers=w.reviewer,
    )
    assert revoked["deceased_on"] is None
    # Marriage: the wife is married again, and he is still her spouse.
    assert await w.status(wife) == "married"
    records = (await w.ok("GET", f"{MAR}/status/{wife}"))["records"]
    assert [r["kind"] for r in records] == ["married"]
    # Disability: payment resumes from the stopped month; the June payroll pays May as arrears.
    assert await w.grants(application) == {"status": "approved", "living": None, "nursing": None}
    await w.today(dt.date(2026, 6, 2))
    assert await w.paid_months("2026-06", husband) == [
        ("living", "2026-05"),
        ("living", "2026-06"),
        ("nursing", "2026-05"),
        ("nursing", "2026-06"),
    ]
    # Funeral: the waiver is void, deducted in May's settlement; confirmed April is unchanged.
    body = await w.ok("GET", f"{FUN}/waivers/{waiver['id']}")
    assert body["voided"] is True and "殡仪馆登记错了" in body["void_reason"]
    may = (await w.settlement("2026-05"))["江门市殡仪馆"]
    assert (may["correction_cases"], may["cases"]) == (-1, -1)
    assert may["correction_fen"] == may["waived_fen"] == -waiver["waived_fen"]
    assert await w.settlement("2026-04") == april
    voided = await w.ok("GET", f"{FUN}/waivers", params={"status": "voided"}, headers=w.reviewer)
    assert [item["id"] for item in voided["items"]] == [waiver["id"]]
    # Social organizations: the task that death opened is closed.
    assert (await w.org_tasks())["total"] == 0
    closed = await w.ok("GET", f"{ORGS}/tasks", params={"status": "closed"})
    assert [t["uscc"] for t in closed["items"]] == [code]
    # The revocation is audited once, without the full number.
    from core.tables import AuditEvent

    events = await AuditEvent.select().where(AuditEvent.action == "core.person.death_revoked")
    assert len(events) == 1 and husband not in events[0]["summary"]


async def test_a_spouse_remarried_since_is_left_to_a_clerk(world):
    w = world
    first = factories.id_number(dt.date(1990, 1, 2), "male", "440704", 11)
    wife = factories.id_number(dt.date(1992, 2, 3), "female", "440704", 12)
    second = factories.id_number(dt.date(1991, 3, 4), "male", "440704", 13)
    await w.marry(first, "赵一", wife, "钱二")
    await w.today(dt.date(2026, 3, 10))
    await w.ok("PATCH", f"/api/v1/people/{first}", json={"deceased_on": "2026-03-09"})
    assert await w.status(wife) == "widowed"
    await w.today(dt.date(2026, 4, 1))
    await w.marry(second, "孙三", wife, "钱二")
    await w.today(dt.date(2026, 4, 15))
    await w.ok(
        "POST",
        f"/api/v1/people/{first}/death/revoke",
        json={"reason": "误登记"},
        headers=w.reviewer,
    )
    # Nothing is rewritten: she stays married to her second husband; a clerk gets a task.
    assert await w.status(wife) == "married"
    records = (await w.ok("GET", f"{MAR}/status/{wife}"))["records"]
    assert [r["kind"] for r in records] == ["married", "spouse_died", "married"]
    tasks = await w.ok("GET", f"{MAR}/tasks")
    assert tasks["total"] == 1
    [task] = tasks["items"]
    assert (task["kind"], task["id_number"], task["other_id_number"], task["opened_on"]) == (
        "revoked_death_remarried",
        wife,
        first,
        "2026-04-15",
    )
    # The clerk closes it from the workbench page (a browser session with its CSRF token).
    csrf = await factories.staff_session(w.client, "page-clerk", "clerk", office_code="JH01")
    page = await w.client.get("/marriage/workbench/tasks")
    assert page.status_code == 200 and "钱二" in page.text and "误登记" in page.text
    r = await w.client.post(
        f"/marriage/workbench/tasks/{task['id']}/close",
        data={"_csrf": csrf, "note": "已告知当事人并报上级处理", "confirmed": "yes"},
    )
    assert r.status_code == 303
    w.client.cookies.clear()
    closed = await w.ok("GET", f"{MAR}/tasks", params={"status": "closed"})
    [done] = closed["items"]
    assert (done["status"], done["closed_on"], done["closed_by"]) == (
        "closed",
        "2026-04-15",
        "page-clerk",
    )
    assert done["close_note"] == "已告知当事人并报上级处理"
    assert (await w.ok("GET", f"{MAR}/tasks"))["total"] == 0
    r = await w.client.post(f"{MAR}/tasks/{task['id']}/close", json={}, headers=w.clerk)
    assert r.status_code == 409 and r.json()["code"] == "TASK_CLOSED"


async def test_a_legal_representative_s_death_opens_a_change_task_a_clerk_closes(world):
    w = world
    rep = factories.id_number(dt.date(1960, 6, 1), "male", "440704", 21)
    successor = factories.id_number(dt.date(1975, 7, 1), "female", "440704", 22)
    code, other = factories.uscc("social_group", 2), factories.uscc("social_group", 3)
    body = {
        "uscc": code,
        "name": "江海区慈善会",
        "kind": "social_group",
        "registered_on": "2019-05-01",
        "legal_representative": "周老先生",
        "staff_count": 2,
    }
    r = await w.client.post(
        f"{ORGS}/",
        json={
            **body,
            "legal_representative_id_number": rep[:-1] + ("1" if rep[-1] == "0" else "0"),
        },
        headers=w.clerk,
    )
    assert r.status_code == 422 and r.json()["code"] == "INVALID_ID_NUMBER"
    await w.ok("POST", f"{ORGS}/", 201, json={**body, "legal_representative_id_number": rep})
    await w.ok("POST", f"{ORGS}/", 201, json={**body, "uscc": other, "name": "无关协会"})
    person = await w.ok("GET", f"/api/v1/people/{rep}")  # the person entered the registry
    assert person["name"] == "周老先生"
    # The route /orgs/tasks is not taken for an organization's code; it is for staff only.
    assert (await w.client.get(f"{ORGS}/tasks")).status_code == 401
    citizen_r = await w.client.get(f"{ORGS}/tasks", headers=w.admin)
    assert citizen_r.status_code == 403

    await w.today(dt.date(2026, 3, 20))
    await w.ok("PATCH", f"/api/v1/people/{rep}", json={"deceased_on": "2026-03-18"})
    tasks = await w.org_tasks()
    assert tasks["total"] == 1
    assert tasks["items"][0]["uscc"] == code
    assert tasks["items"][0]["kind"] == "legal_representative_change"
    # A second recording of the same death opens nothing more.
    await w.ok("PATCH", f"/api/v1/people/{rep}", json={"deceased_on": "2026-03-18"})
    assert (await w.org_tasks())["total"] == 1
    # The organization sees it in its portal; clerks on their page.
    await w.ok(
        "POST",
        f"{ORGS}/{code}/accounts",
        201,
        json={"username": "cishan", "password": "Org-pass-2026"},
    )
    org_headers = await factories.sign_in(w.client, "cishan", "Org-pass-2026")
    portal = await w.client.get("/orgs/portal", headers=org_headers)
    assert portal.status_code == 200 and "2026-03-18" in portal.text
    page = await w.client.get("/orgs/tasks", headers=w.clerk)
    assert page.status_code == 200 and code in page.text and other not in page.text
    # A dead successor is refused; a living one closes the task (audited).
    r = await w.client.put(
        f"{ORGS}/{code}/legal-representative",
        json={"legal_representative": "周老先生", "legal_representative_id_number": rep},
        headers=w.clerk,
    )
    assert r.status_code == 422 and r.json()["code"] == "DECEASED"
    r = await w.client.put(
        f"{ORGS}/{code}/legal-representative",
        json={"legal_representative": "吴女士", "legal_representative_id_number": successor},
        headers=w.reviewer,
    )
    assert r.status_code == 403
    changed = await w.ok(
        "PUT",
        f"{ORGS}/{code}/legal-representative",
        json={"legal_representative": "吴女士", "legal_representative_id_number": successor},
    )
    assert changed["legal_representative"] == "吴女士" and changed["open_tasks"] == []
    assert (await w.org_tasks())["total"] == 0
    portal = await w.client.get("/orgs/portal", headers=org_headers)
    assert portal.status_code == 200 and "2026-03-18" not in portal.text
    from core.tables import AuditEvent

    [event] = await AuditEvent.select().where(
        AuditEvent.action == "social_orgs.legal_representative.changed"
    )
    assert successor not in event["summary"]
    # The successor's death opens a new task.
    await w.ok("PATCH", f"/api/v1/people/{successor}", json={"deceased_on": "2026-03-19"})
    assert (await w.org_tasks())["total"] == 1


async def _switch(w: World, name: str, enabled: bool) -> None:
    from core.plugins import get_host

    await w.ok("PATCH", f"/api/v1/admin/plugins/{name}", json={"enabled": enabled}, headers=w.admin)
    await get_host().enabled(fresh=True)


async def test_events_missed_while_a_plugin_was_off_are_caught_up_by_its_job(world):
    """Hooks reach enabled plugins only: the hourly jobs of disability and social organizations
    catch up a death and its revocation that happened while they were switched off."""
    from plugins.disability.services.jobs import stop_deceased
    from plugins.social_orgs.services.tasks import sync_tasks

    w = world
    person = factories.id_number(dt.date(1985, 9, 9), "male", "440704", 31)
    code = factories.uscc("social_group", 4)
    application = await w.approved_beneficiary(person)
    await w.ok(
        "POST",
        f"{ORGS}/",
        201,
        json={
            "uscc": code,
            "name": "江海区义工联合会",
            "kind": "social_group",
            "registered_on": "2021-01-05",
            "legal_representative": "何志明",
            "legal_representative_id_number": person,
        },
    )
    await w.today(dt.date(2026, 4, 2))
    await _switch(w, "social_orgs", False)
    await w.ok("PATCH", f"/api/v1/people/{person}", json={"deceased_on": "2026-04-01"})
    await _switch(w, "social_orgs", True)
    assert (await w.org_tasks())["total"] == 0  # the hook never came
    assert await sync_tasks(dt.date(2026, 4, 2)) == (
        "tasks opened for 1 deceased representatives, closed for 0"
    )
    assert [t["uscc"] for t in (await w.org_tasks())["items"]] == [code]
    assert (await w.grants(application))["nursing"] == "2026-05"

    await w.today(dt.date(2026, 4, 9))
    await _switch(w, "social_orgs", False)
    await _switch(w, "disability", False)
    await w.ok(
        "POST",
        f"/api/v1/people/{person}/death/revoke",
        json={"reason": "误登记"},
        headers=w.reviewer,
    )
    await _switch(w, "social_orgs", True)
    await _switch(w, "disability", True)
    assert (await w.grants(application))["nursing"] == "2026-05"  # not heard
    assert (await w.org_tasks())["total"] == 1
    assert "resumed 1" in await stop_deceased(dt.date(2026, 4, 9))
    assert await w.grants(application) == {"status": "approved", "nursing": None}
    await sync_tasks(dt.date(2026, 4, 9))
    assert (await w.org_tasks())["total"] == 0
    # Nothing more to do on the next run.
    assert await sync_tasks(dt.date(2026, 4, 9)) == (
        "tasks opened for 0 deceased representatives, closed for 0"
    )


async def test_a_spouse_who_really_died_meanwhile_leaves_the_revived_person_widowed(world):
    w = world
    husband = factories.id_number(dt.date(1980, 4, 4), "male", "440704", 41)
    wife = factories.id_number(dt.date(1982, 5, 5), "female", "440704", 42)
    await w.marry(husband, "冯一", wife, "冯二")
    await w.today(dt.date(2026, 3, 12))
    await w.ok("PATCH", f"/api/v1/people/{husband}", json={"deceased_on": "2026-03-10"})
    await w.ok("PATCH", f"/api/v1/people/{wife}", json={"deceased_on": "2026-03-11"})
    assert await w.status(husband) == "married"  # her death found no living spouse
    await w.ok(
        "POST",
        f"/api/v1/people/{husband}/death/revoke",
        json={"reason": "误登记"},
        headers=w.reviewer,
    )
    assert [r["kind"] for r in (await w.ok("GET", f"{MAR}/status/{wife}"))["records"]] == [
        "married"
    ]
    mine = (await w.ok("GET", f"{MAR}/status/{husband}"))["records"]
    assert [(r["kind"], r["on"]) for r in mine] == [
        ("married", "2026-03-03"),
        ("spouse_died", "2026-03-11"),
    ]
    assert await w.status(husband) == "widowed"
