"""The bureau's administration pages (issue 2 items 10 and 12) through the real app.

Admins run them; every other role is refused; every form needs the session's CSRF token.
"""

from __future__ import annotations

import re

import pytest

from tests import factories

pytestmark = pytest.mark.db

HTML = {"Accept": "text/html,application/xhtml+xml"}
CSRF = re.compile(r'name="_csrf" value="([0-9a-f]+)"')
ADMIN_PAGES = ["/admin", "/admin/plugins", "/admin/users", "/admin/audit", "/admin/outbox"]


def flash_of(page) -> str:
    match = re.search(r'<div class="alert alert-(\w+)"[^>]*>\s*<p>([^<]*)</p>', page.text)
    return f"{match.group(1)}: {match.group(2)}" if match else ""


async def test_every_admin_page_renders_for_an_admin(client):
    await factories.staff_session(client, "boss", "admin")
    for path in ADMIN_PAGES:
        page = await client.get(path, headers=HTML)
        assert page.status_code == 200, path
        assert page.headers["cache-control"] == "no-store", path
        assert page.text.count("<h1") == 1, path
        assert 'aria-current="page"' in page.text, path  # the tab of this page is marked
    home = await client.get("/", headers=HTML)
    assert 'href="/admin"' in home.text  # the admin menu entry


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
async def test_other_staff_are_refused_the_admin_pages(client, staff, role):
    headers = {**HTML, **await staff(role, office_code="JH01")}
    for path in ADMIN_PAGES:
        page = await client.get(path, headers=headers)
        assert page.status_code == 403, path
        assert "您无权访问此页面" in page.text
    home = await client.get("/", headers=headers)
    assert 'href="/admin"' not in home.text


async def test_citizens_are_refused_and_visitors_sent_to_sign_in(client, citizen, id_number):
    import datetime as dt

    headers = {**HTML, **await citizen(id_number(dt.date(1990, 1, 1), "male"), "周杰")}
    assert (await client.get("/admin/users", headers=headers)).status_code == 403
    visitor = await client.get("/admin/outbox?status=failed", headers=HTML)
    assert visitor.status_code == 303
    assert visitor.headers["location"] == "/login?next=/admin/outbox%3Fstatus%3Dfailed"


async def test_hub_shows_counts_and_the_certificate_font(client):
    from core.certificates.fonts import font_status

    await factories.staff_session(client, "boss", "admin")
    hub = await client.get("/admin", headers=HTML)
    line = re.search(r'<p class="status-line" id="font-status">(.*?)</p>', hub.text, re.S)
    assert line and font_status()["primary"]["name"] in line.group(1)
    expected = "已嵌入" if font_status()["mode"] == "embedded" else "未嵌入"
    assert expected in line.group(1)
    assert re.search(r'<p class="stat-value"><a href="/admin/plugins">4 / 4</a></p>', hub.text)
    # The audit log's entries, as long as the chain is (what its own page lists as the total).
    from core.db import fetch_one

    chained = (await fetch_one("SELECT COUNT(*) AS n FROM audit_event"))["n"]
    assert chained > 0
    shown = f'<p class="stat-value"><a href="/admin/audit">{chained:,}</a></p>'
    assert shown in hub.text


async def test_switching_a_service_off_and_on_from_the_plugins_page(client):
    from core.tables import AuditEvent, PluginState

    token = await factories.staff_session(client, "boss", "admin")
    ask = await client.post(
        "/admin/plugins/marriage", data={"_csrf": token, "enabled": "0"}, headers=HTML
    )
    assert ask.status_code == 200 and "确认停用婚姻登记？" in ask.text  # a confirmation step
    assert 'name="confirmed" value="yes"' in ask.text
    assert 'data-service="marriage"' in (await client.get("/", headers=HTML)).text  # still on
    r = await client.post(
        "/admin/plugins/marriage",
        data={"_csrf": token, "enabled": "0", "confirmed": "yes"},
        headers=HTML,
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin/plugins"
    listing = await client.get("/admin/plugins", headers=HTML)
    assert flash_of(listing) == "ok: 服务已停用。"
    row = re.search(r'<tr id="plugin-marriage">(.*?)</tr>', listing.text, re.S).group(1)
    assert "已停用" in row and 'name="enabled" value="1"' in row
    assert not (await PluginState.select().where(PluginState.name == "marriage").first())["enabled"]
    assert 'data-service="marriage"' not in (await client.get("/", headers=HTML)).text
    assert await AuditEvent.exists().where(AuditEvent.action == "core.plugin.disabled")

    on = {"_csrf": token, "enabled": "1"}
    await client.post("/admin/plugins/marriage", data=on, headers=HTML)
    assert 'data-service="marriage"' in (await client.get("/", headers=HTML)).text


async def test_switching_an_unknown_service_is_not_found(client):
    token = await factories.staff_session(client, "boss", "admin")
    off = {"_csrf": token, "enabled": "0"}
    r = await client.post("/admin/plugins/nosuch", data=off, headers=HTML)
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/plugins/marriage", {"enabled": "0"}),
        ("/admin/users", {"username": "sneaky", "password": "sneaky-pass-1", "roles": "admin"}),
        ("/admin/outbox/1/retry", {}),
        ("/logout", {}),
    ],
)
async def test_forms_without_the_csrf_token_are_refused(client, path, data):
    from core.tables import Account

    await factories.staff_session(client, "boss", "admin")
    for token in (None, "0" * 64):
        sent = {**data, "_csrf": token} if token else data
        r = await client.post(path, data=sent, headers=HTML)
        assert r.status_code == 403, path
        assert "表单已过期" in r.text
    assert await client.get("/", headers=HTML)  # still signed in
    assert 'data-service="marriage"' in (await client.get("/", headers=HTML)).text
    assert not await Account.exists().where(Account.username == "sneaky")


async def test_creating_a_staff_account(client):
    from core.tables import Account

    token = await factories.staff_session(client, "boss", "admin")
    r = await client.post(
        "/admin/users",
        data={
            "_csrf": token,
            "username": "chen.window",
            "display_name": "陈窗口",
            "password": "window-pass-1",
            "roles": ["clerk", "reviewer"],
            "office_code": "JH02",
        },
        headers=HTML,
    )
    assert r.status_code == 303
    listing = await client.get("/admin/users", headers=HTML)
    assert flash_of(listing) == "ok: 工作人员账号已创建。"
    account = await Account.select().where(Account.username == "chen.window").first()
    assert sorted(account["roles"]) == ["clerk", "reviewer"] and account["office_code"] == "JH02"
    assert "陈窗口" in listing.text and "窗口工作人员" in listing.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"office_code": ""}, "office_code", "窗口工作人员须绑定办公点"),
        ({"username": "a b"}, "username", "请使用 3–64 位字母"),
        ({"username": "boss"}, "username", "该用户名已被占用"),
        ({"password": "short"}, "password", "请设置至少 10 位的密码"),
        ({"roles": []}, "roles", "请至少选择一个角色"),
    ],
)
async def test_staff_account_errors_appear_next_to_their_field(client, changes, field, message):
    from core.tables import Account

    token = await factories.staff_session(client, "boss", "admin")
    data = {
        "_csrf": token,
        "username": "new.clerk",
        "password": "window-pass-1",
        "roles": ["clerk"],
        "office_code": "JH01",
        "display_name": "新同事",
        **changes,
    }
    r = await client.post("/admin/users", data=data, headers=HTML)
    assert r.status_code in (409, 422)
    error = re.search(rf'<p class="field-error" id="f-{field}-error">([^<]*)</p>', r.text)
    assert error and message in error.group(1), r.text[-2000:]
    assert '<details class="disclosure panel" id="new-user" open>' in r.text
    assert 'value="新同事"' in r.text and "window-pass-1" not in r.text
    assert await Account.count().where(Account.kind == "staff") == 1


async def test_deactivating_ends_the_sessions_and_activating_restores_access(client, staff):
    from core.tables import Account

    clerk_headers = await staff("clerk", office_code="JH01", username="leaver")
    token = await factories.staff_session(client, "boss", "admin")
    leaver = await Account.select().where(Account.username == "leaver").first()
    asked = await client.post(
        f"/admin/users/{leaver['id']}/active", data={"_csrf": token, "active": "0"}, headers=HTML
    )
    assert asked.status_code == 200 and "确定停用此账号？其登录状态将立即失效。" in asked.text
    assert "leaver" in asked.text and 'name="confirmed" value="yes"' in asked.text
    assert (await client.get("/api/v1/me", headers=clerk_headers)).status_code == 200
    r = await client.post(
        f"/admin/users/{leaver['id']}/active",
        data={"_csrf": token, "active": "0", "confirmed": "yes"},
        headers=HTML,
    )
    assert r.status_code == 303
    assert (await client.get("/api/v1/me", headers=clerk_headers)).status_code == 401
    row = re.search(
        rf'<tr id="user-{leaver["id"]}">(.*?)</tr>',
        (await client.get("/admin/users", headers=HTML)).text,
        re.S,
    ).group(1)
    assert "已停用" in row and "启用</button>" in row

    await client.post(
        f"/admin/users/{leaver['id']}/active", data={"_csrf": token, "active": "1"}, headers=HTML
    )
    assert (await Account.select().where(Account.id == leaver["id"]).first())["active"]


async def test_an_admin_cannot_deactivate_their_own_account(client):
    from core.tables import Account

    token = await factories.staff_session(client, "boss", "admin")
    me = await Account.select().where(Account.username == "boss").first()
    r = await client.post(
        f"/admin/users/{me['id']}/active", data={"_csrf": token, "active": "0"}, headers=HTML
    )
    assert r.status_code == 303
    assert flash_of(await client.get("/admin/users", headers=HTML)) == "bad: 不能停用自己的账号。"
    assert (await Account.select().where(Account.id == me["id"]).first())["active"]
    missing = await client.post(
        "/admin/users/999999/active", data={"_csrf": token, "active": "0"}, headers=HTML
    )
    assert missing.status_code == 404


async def test_audit_page_filters_paginates_and_verifies_the_chain(client):
    from core.db import fetch
    from core.plugins import get_host

    await factories.staff_session(client, "boss", "admin")
    for _ in range(15):  # 30 plugin switches, plus the sign-in's own entries
        await get_host().switch("funeral", False)
        await get_host().switch("funeral", True)

    first = await client.get("/admin/audit?action=core.plugin.", headers=HTML)
    assert "第 1–25 条，共 30 条" in first.text
    rows = first.text.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr ") == 25
    assert 'data-action="core.plugin.enabled"' in rows and "core.user.created" not in rows
    assert "启用模块" in rows and "core.plugin.enabled<" not in rows  # the label, not the key
    assert 'href="/admin/audit?action=core.plugin.&amp;page=2"' in first.text
    # the form shows the filter that is applied, and sending it again keeps it
    assert '<option value="core.plugin." selected>core.plugin.</option>' in first.text
    second = await client.get("/admin/audit?action=core.plugin.&page=2", headers=HTML)
    assert "第 26–30 条，共 30 条" in second.text

    by_actor = await client.get("/admin/audit?actor=nobody", headers=HTML)
    assert '<option value=""></option>' not in by_actor.text  # "All" once, no blank twin
    assert "没有符合条件的记录" in by_actor.text
    bad_date = await client.get("/admin/audit?since=yesterday", headers=HTML)
    assert bad_date.status_code == 200
    assert re.search(r'id="f-since-error">[^<]*2025-01-31', bad_date.text)

    intact = await client.get("/admin/audit?verify=1", headers=HTML)
    assert "审计日志链完整" in intact.text
    await fetch("UPDATE audit_event SET summary = 'rewritten' WHERE seq = 3")
    broken = await client.get("/admin/audit?verify=1", headers=HTML)
    assert "审计日志链已被破坏" in broken.text and "第 3 号记录" in broken.text


async def test_outbox_lists_messages_and_sends_a_failed_one_again(client):
    from core.notifications import enqueue
    from core.tables import Notification

    token = await factories.staff_session(client, "boss", "admin")
    await enqueue("13800000001", "预约提醒", "请按时到场", plugin="marriage")
    await enqueue("13800000002", "审批结果", "您的申请已通过", plugin="disability")
    ids = {r["recipient"]: r["id"] for r in await Notification.select()}
    waiting, failed = ids["13800000001"], ids["13800000002"]
    await Notification.update(
        {Notification.status: "failed", Notification.attempts: 6, Notification.last_error: "boom"}
    ).where(Notification.id == failed)

    listing = await client.get("/admin/outbox", headers=HTML)
    row = re.search(rf'<tr id="message-{failed}">(.*?)</tr>', listing.text, re.S).group(1)
    assert "发送失败" in row and "boom" in row and "重新发送" in row
    only_failed = await client.get("/admin/outbox?status=failed", headers=HTML)
    assert f'id="message-{failed}"' in only_failed.text
    assert f'id="message-{waiting}"' not in only_failed.text

    r = await client.post(f"/admin/outbox/{failed}/retry", data={"_csrf": token}, headers=HTML)
    assert r.status_code == 303
    assert flash_of(await client.get("/admin/outbox", headers=HTML)) == "ok: 消息将重新发送。"
    row = await Notification.select().where(Notification.id == failed).first()
    assert row["status"] == "pending"

    not_failed = await client.post(
        f"/admin/outbox/{waiting}/retry", data={"_csrf": token}, headers=HTML
    )
    assert not_failed.status_code == 303
    assert flash_of(await client.get("/admin/outbox", headers=HTML)).startswith("warn:")
    gone = await client.post("/admin/outbox/424242/retry", data={"_csrf": token}, headers=HTML)
    assert gone.status_code == 404


async def test_admin_pages_in_english(client):
    await factories.staff_session(client, "boss", "admin")
    page = await client.get("/admin/plugins?lang=en", headers=HTML)
    assert "Switch off" in page.text and "Marriage registration" in page.text
    assert "停用" not in page.text.split("<main")[1]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/audit?since=%00&actor=%ff&page=-3",
        "/admin/audit?actor=%00admin&entity=%00",
        "/admin/audit?page=99999999999999999999&action=%25%25",
        # actions matched by their start whose last character has no next one, or whose
        # next one is a surrogate, which no database text can hold
        "/admin/audit?action=marriage%F4%8F%BF%BF",
        "/admin/audit?action=%F4%8F%BF%BF%F4%8F%BF%BF",
        "/admin/audit?action=a%ED%9F%BF",
        "/admin/users?page=abc",
        "/admin/outbox?status=<script>&page=0",
    ],
)
async def test_odd_query_strings_never_break_a_page(client, path):
    await factories.staff_session(client, "boss", "admin")
    page = await client.get(path, headers=HTML)
    assert page.status_code == 200
    assert "<script>&" not in page.text


async def test_an_unexpected_failure_shows_the_house_error_page(client, monkeypatch):
    import core.web.admin_pages

    def broken() -> dict:
        raise RuntimeError("font cache on fire")

    monkeypatch.setattr(core.web.admin_pages, "font_status", broken)
    await factories.staff_session(client, "boss", "admin")
    page = await client.get("/admin", headers=HTML)
    assert page.status_code == 500
    assert "系统出现错误" in page.text and "错误已记录" in page.text
    assert "font cache on fire" not in page.text  # no internals shown to the visitor
    assert 'href="/"' in page.text


async def test_audit_since_counts_whole_days_in_china_time(client):
    import datetime as dt

    from core.tables import AuditEvent

    # account created + signed in: entries of today
    await factories.staff_session(client, "boss", "admin")
    first = await AuditEvent.select().order_by(AuditEvent.seq).first()
    # 23:30 on 1 March in Jiangmen is still 1 March there, though 15:30 UTC.
    china = dt.timezone(dt.timedelta(hours=8))
    late_evening = dt.datetime(2025, 3, 1, 23, 30, tzinfo=china)
    await AuditEvent.update({AuditEvent.at: late_evening}).where(AuditEvent.id == first["id"])

    def shown(page) -> list[str]:
        body = page.text.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page.text else ""
        return re.findall(r'<td class="num">(\d+)</td>', body)

    day_of = await client.get("/admin/audit?since=2025-03-01", headers=HTML)
    assert str(first["seq"]) in shown(day_of)
    assert "2025-03-01 23:30:00" in day_of.text  # shown in China time
    next_day = await client.get("/admin/audit?since=2025-03-02", headers=HTML)
    assert str(first["seq"]) not in shown(next_day) and shown(next_day)
