"""DOMAIN.md "People and identity numbers": a birth date after the day of the act, or before
1900-01-01, is not a real person's → ``INVALID_ID_NUMBER`` (issue 11 item 5). Pure rule, then
sign-up and roster import over HTTP on both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.identity import InvalidIdNumber, normalize_id_number
from tests import factories
from tests.core.support import assert_error
from tests.factories import id_number

D = dt.date
ACT = D(2026, 12, 2)


@pytest.mark.parametrize(
    ("birth", "on", "reason"),
    [
        (D(1899, 12, 31), None, "born_before_1900"),
        (D(1800, 1, 1), ACT, "born_before_1900"),
        (D(1900, 1, 1), ACT, None),
        (ACT, ACT, None),  # born on the day of the act: a newborn's number
        (ACT + dt.timedelta(days=1), ACT, "born_after_act"),
        (D(2030, 1, 1), ACT, "born_after_act"),
        (D(2030, 1, 1), None, None),  # no act date given: only the 1900 bound
    ],
)
def test_birth_date_bounds(birth: dt.date, on: dt.date | None, reason: str | None) -> None:
    number = id_number(birth)
    if reason is None:
        assert normalize_id_number(number, on) == number
    else:
        with pytest.raises(InvalidIdNumber) as refused:
            normalize_id_number(number, on)
        assert refused.value.reason == reason
        assert "出生日期" in refused.value.detail


# The machine is shared: a slow example is the CPU's, not the rule's.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(birth=st.dates(D(1850, 1, 1), D(2040, 12, 31)), on=st.dates(D(1990, 1, 1), D(2035, 12, 31)))
def test_valid_exactly_between_1900_and_the_act(birth: dt.date, on: dt.date) -> None:
    number = id_number(birth)
    try:
        normalize_id_number(number, on)
        valid = True
    except InvalidIdNumber:
        valid = False
    assert valid == (D(1900, 1, 1) <= birth <= on)


def _signup(number: str) -> dict:
    return {"id_number": number, "name": "王芳", "phone": "13800000000", "password": "Pw-12345678"}


@pytest.mark.db
@pytest.mark.parametrize("birth", [D(2026, 12, 3), D(2030, 5, 1), D(1899, 12, 31)])
async def test_sign_up_refuses_a_birth_date_out_of_bounds(client, admin, birth):
    await factories.set_today(client, admin, ACT)
    r = await client.post("/api/v1/citizens", json=_signup(id_number(birth, "female")))
    assert_error(r, 422, "INVALID_ID_NUMBER")


@pytest.mark.db
async def test_sign_up_uses_the_day_of_the_act(client, admin):
    """Born 2026-12-03: refused on the 2nd, accepted on the 3rd (the application's date)."""
    number = id_number(D(2026, 12, 3), "female", seq=9)
    await factories.set_today(client, admin, ACT)
    assert_error(await client.post("/api/v1/citizens", json=_signup(number)), 422)
    await factories.set_today(client, admin, D(2026, 12, 3))
    r = await client.post("/api/v1/citizens", json=_signup(number))
    assert r.status_code == 201, r.text


@pytest.mark.db
async def test_roster_import_rejects_rows_born_out_of_bounds(client, admin):
    await factories.set_today(client, admin, ACT)
    rows = [
        f"{id_number(D(1950, 1, 1), seq=1)},张三,dibao,2024-01-01,",
        f"{id_number(D(2030, 1, 1), seq=2)},未来人,dibao,2024-01-01,",
        f"{id_number(D(1899, 6, 1), seq=3)},古人,tekun,2024-01-01,",
    ]
    text = "id_number,name,category,valid_from,valid_to\n" + "\n".join(rows)
    r = await client.post(
        "/api/v1/rosters/import", files={"file": ("r.csv", text.encode())}, headers=admin
    )
    assert r.status_code in (200, 201), r.text
    assert r.json()["imported"] == 1
    assert r.json()["rejected"] == [
        {"row": 3, "code": "INVALID_ID_NUMBER"},
        {"row": 4, "code": "INVALID_ID_NUMBER"},
    ]
