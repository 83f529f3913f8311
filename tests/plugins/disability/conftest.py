"""Fixtures for the disability plugin's tests: a desk with a clerk, a reviewer and an admin,
people enrolled in the roster, and the test clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests import factories

API = "/api/v1/disability"


def district_id(birth: dt.date, sex: str, seq: int) -> str:
    """A valid identity number first issued in Jiangmen: Jianghai's own code 440704 exists for
    births from 1994 (python-stdnum checks that), older people carry the city's 440700."""
    return factories.id_number(birth, sex, "440704" if birth.year >= 1994 else "440700", seq)


@dataclass
class Desk:
    """The service window as tests drive it: HTTP through the real app."""

    client: httpx.AsyncClient
    clerk: dict
    reviewer: dict
    admin: dict
    seq: int = 0
    numbers: list[str] = field(default_factory=list)

    async def today(self, day: dt.date) -> None:
        await factories.set_today(self.client, self.admin, day)

    def new_id(self, birth: dt.date = dt.date(1970, 1, 1), sex: str = "male") -> str:
        self.seq += 1
        number = district_id(birth, sex, self.seq)
        self.numbers.append(number)
        return number

    async def roster(self, *rows: tuple[str, str, dt.date, dt.date | None]) -> None:
        """Import (id_number, category, valid_from, valid_to) rows through the core's importer."""
        from core.people.roster import import_roster

        lines = ["id_number,name,category,valid_from,valid_to"]
        lines += [
            f"{n},测试人,{c},{f.isoformat()},{t.isoformat() if t else ''}" for n, c, f, t in rows
        ]
        result = await import_roster("\n".join(lines).encode(), "test.csv")
        assert not result.rejected, result.rejected

    def body(self, number: str, category: int = 4, grade: int = 1, **extra: Any) -> dict:
        return {
            "id_number": number,
            "name": "王建国",
            "disability_card_no": f"{number}{category}{grade}",
            "category": category,
            "grade": grade,
            "subsidies": ["living", "nursing"],
            **extra,
        }

    async def apply(self, number: str, headers: dict | None = None, **extra: Any) -> httpx.Response:
        return await self.client.post(
            f"{API}/applications", json=self.body(number, **extra), headers=headers or self.clerk
        )

    async def approved(self, number: str, **extra: Any) -> int:
        """File, street-approve and district-approve; returns the beneficiary's id."""
        r = await self.apply(number, **extra)
        assert r.status_code == 201, r.text
        application_id = r.json()["id"]
        r = await self.client.post(
            f"{API}/applications/{application_id}/street-review",
            json={"approve": True, "note": "属实"},
            headers=self.clerk,
        )
        assert r.status_code == 200, r.text
        r = await self.client.post(
            f"{API}/applications/{application_id}/approve", headers=self.reviewer
        )
        assert r.status_code == 200, r.text
        return application_id

    async def payroll(self, month: str) -> dict:
        r = await self.client.post(f"{API}/payroll/{month}", headers=self.reviewer)
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture
async def desk(client, staff) -> Desk:
    return Desk(
        client=client,
        clerk=await staff("clerk", office_code="JH01"),
        reviewer=await staff("reviewer"),
        admin=await staff("admin"),
    )
