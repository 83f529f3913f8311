"""DOMAIN.md "People and identity numbers": a birth date after the day of the act, or before
1900-01-01 → 422 ``INVALID_ID_NUMBER`` for the booking partner and for registration parties
(issue 11 item 5). On both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.plugins.marriage.support import (
    TODAY,
    book,
    couple,
    open_desk,
    party,
    person_number,
    quick_citizen,
    register,
    slots_on,
)

pytestmark = pytest.mark.db
D = dt.date


@pytest.mark.parametrize("partner_born", [TODAY + dt.timedelta(days=1), D(1899, 12, 31)])
async def test_booking_partner_born_out_of_bounds(client, partner_born):
    await open_desk(client)
    booker_id, _ = couple(1)
    booker = await quick_citizen(booker_id, "王强")
    slot = (await slots_on(client, TODAY + dt.timedelta(days=1)))[0]
    r = await book(client, booker, slot["id"], person_number(partner_born, "female", 5))
    assert r.status_code == 422 and r.json()["code"] == "INVALID_ID_NUMBER", r.text


@pytest.mark.parametrize("born", [TODAY + dt.timedelta(days=1), D(2030, 1, 1), D(1899, 1, 1)])
async def test_registration_party_born_out_of_bounds(client, born):
    desk = await open_desk(client)
    man, _ = couple(2)
    r = await register(
        client,
        desk.clerk,
        party(man, "王强"),
        party(person_number(born, "female", 6), "李芳"),
    )
    assert r.status_code == 422 and r.json()["code"] == "INVALID_ID_NUMBER", r.text
