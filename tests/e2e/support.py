"""Helpers of the end-to-end journeys: the set-up a journey needs before its person opens the
browser (made over the API as the bureau's admin), signing in, and extra screenshots.

Every journey runs against the session's ``live_server`` (``minzheng serve`` on SQLite), which
other browser tests share: names, codes and identity numbers are made unique per journey, and a
journey that moves the test clock or switches a service puts it back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from tests import factories

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "journey-pass-1"
MONDAY = dt.date(2026, 6, 1)  # a working week follows; the Dragon Boat holiday is 19 June


def unique() -> int:
    return uuid.uuid4().int % 900 + 50


class Bureau:
    """The admin's API client for a journey's set-up."""

    def __init__(self, http: httpx.AsyncClient, admin: dict[str, str]) -> None:
        self.http = http
        self.admin = admin

    async def call(self, method: str, path: str, headers: dict | None = None, **kw: Any) -> Any:
        r = await self.http.request(method, path, headers=headers or self.admin, **kw)
        assert r.status_code < 300, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    async def set_today(self, day: dt.date) -> None:
        await factories.set_today(self.http, self.admin, day)

    async def staff(self, username: str, role: str, office: str | None = None) -> dict:
        body = {"username": username, "password": PASSWORD, "roles": [role]}
        await self.call("POST", "/api/v1/admin/users", json={**body, "office_code": office})
        return await self.token(username)

    async def token(self, username: str) -> dict[str, str]:
        return await factories.sign_in(self.http, username, PASSWORD)

    async def citizen(self, number: str, name: str) -> dict[str, str]:
        await self.call(
            "POST",
            "/api/v1/citizens",
            json={"id_number": number, "name": name, "phone": "13800000000", "password": PASSWORD},
        )
        return await self.token(number)

    async def verify_at_window(self, clerk: str, number: str, phone: str = "13800000000") -> None:
        """A clerk saw the citizen's identity card (verification ``identity``, needed for records
        about the person); the citizen activates the account with PASSWORD."""
        body = await self.call(
            "POST",
            f"/api/v1/citizens/{number}/verify-identity",
            await self.token(clerk),
            json={"phone": phone},
        )
        await self.call(
            "POST",
            "/api/v1/citizens/activate",
            {},
            json={"id_number": number, "activation_code": body["activation_code"],
                  "password": PASSWORD},
        )  # fmt: skip

    async def registry(self, code: str) -> None:
        """A marriage registry in Jianghai with two half-hour slots a working day."""
        await self.call(
            "POST",
            "/api/v1/marriage/offices",
            json={"code": code, "name": f"江海区婚姻登记处{code}", "division_code": "440704"},
        )
        slots = [
            {"start": "09:00", "end": "09:30", "capacity": 3},
            {"start": "14:30", "end": "15:00", "capacity": 3},
        ]
        await self.call(
            "PUT",
            f"/api/v1/marriage/offices/{code}/schedule",
            json={"slots": slots, "horizon_days": 14},
        )


@asynccontextmanager
async def bureau(live_server) -> AsyncIterator[Bureau]:
    """The set-up client; the test clock is cleared afterwards, whatever happened."""
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        admin = await live_server.admin_headers()
        try:
            yield Bureau(http, admin)
        finally:
            await factories.set_today(http, admin, None)


async def sign_in(page, url: str, username: str, password: str, target: str) -> None:
    await page.goto(f"{url}/login?next={target}")
    await page.get_by_label("用户名或身份证号").fill(username)
    await page.get_by_label("密码").fill(password)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"{url}{target}")


async def snapshot(page, name: str) -> None:
    """A screenshot of a step worth seeing (the ``page`` fixture saves the last one)."""
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"e2e-{name}.png"), full_page=True)
