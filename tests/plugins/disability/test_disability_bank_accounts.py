"""Issue 12 item 5: bank accounts are validated on entry; the bank file carries no formula."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from core.refusals import Refusal
from plugins.disability.rules.bank_account import normalize_bank_account

API = "/api/v1/disability"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("6217000011112222", "6217000011112222"),
        ("6217 0000 1111 2222 333", "6217000011112222333"),
        ("6217-0000-1111-2222", "6217000011112222"),
        ("  ", ""),
        ("", ""),
    ],
)
def test_accepted_accounts_are_stored_as_digits(raw, stored):
    assert normalize_bank_account(raw) == stored


@pytest.mark.parametrize(
    "raw", ["=1+1", "+8613800000000", "@SUM(A1)", "6217O00011112222", "123", "1" * 31, "６２１７"]
)
def test_anything_but_an_account_number_is_refused(raw):
    with pytest.raises(Refusal) as caught:
        normalize_bank_account(raw)
    assert caught.value.code == "INVALID_BANK_ACCOUNT"


@pytest.mark.db
async def test_a_formula_as_bank_account_is_422_and_the_bank_file_is_inert(desk):
    await desk.today(dt.date(2026, 3, 3))
    number = desk.new_id()
    await desk.roster((number, "dibao", dt.date(2025, 1, 1), None))
    r = await desk.apply(number, bank_account="=1+1")
    assert r.status_code == 422 and r.json()["code"] == "INVALID_BANK_ACCOUNT"
    await desk.approved(number, bank_account="6217 0000 1111 2222", name="@王建国")
    await desk.today(dt.date(2026, 4, 9))
    await desk.payroll("2026-04")
    r = await desk.client.get(f"{API}/payroll/2026-04/csv", headers=desk.reviewer)
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows and {row["bank_account"] for row in rows} == {"6217000011112222"}
    assert {row["name"] for row in rows} == {"'@王建国"}
