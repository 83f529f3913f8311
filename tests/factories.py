"""The one place tests make identity numbers, credit codes, staff sign-ins and move the clock.

Plain functions (no fixtures): they work for the in-process ``client`` as well as for an
``httpx.AsyncClient`` of a live server. The fixtures built on them live in ``tests/fixtures/``;
``tests/test_factories_guard.py`` fails when a second generator or clock setter appears.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import httpx
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

STAFF_PASSWORD = "staff-password-1"
CLOCK = "/api/v1/testing/clock"


def id_number(birth: dt.date, sex: str = "male", division: str = "110105", seq: int = 1) -> str:
    """A valid 18-character identity number (GB 11643-1999) first issued in ``division``.

    The sequence is odd for a man and even for a woman; distinct ``seq`` (0–499) give distinct
    numbers for the same birth date. python-stdnum computes the check character (it ignores the
    last character of what it is given, hence the placeholder)."""
    sequence = (seq * 2 + (1 if sex == "male" else 0)) % 1000
    body = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def with_uscc_check(first17: str) -> str:
    """``first17`` completed with its GB 32100-2015 check character."""
    return first17 + stdnum_uscc.calc_check_digit(first17)


def uscc(kind: str = "social_group", n: int = 1, series: str = "") -> str:
    """A valid civil-affairs credit code (GB 32100-2015) of a Jianghai organization of ``kind``.

    ``n`` makes it distinct; ``series`` (a letter or two) keeps the codes of one group of tests
    apart from another's, e.g. on a live server shared by several browser tests."""
    from plugins.social_orgs.rules import KIND_DIGITS

    serial = f"{series}{n:0{7 - len(series)}d}"
    return with_uscc_check(f"5{KIND_DIGITS[kind]}440704MJ{serial}")  # type: ignore[index]


async def sign_in(http: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    """Authorization headers of ``username``, signed in as anyone does (POST /auth/token)."""
    r = await http.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


async def staff_user(
    http: httpx.AsyncClient, username: str, *roles: str, office_code: str | None = None
) -> dict[str, str]:
    """A new staff account (stored and audited as an admin's would be), signed in."""
    from core.auth.accounts import create_staff_user

    await create_staff_user(username, STAFF_PASSWORD, list(roles), office_code)
    return await sign_in(http, username, STAFF_PASSWORD)


async def staff_session(
    http: httpx.AsyncClient,
    username: str,
    *roles: str,
    office_code: str | None = None,
    display_name: str = "",
) -> str:
    """A new staff account signed in through the login form, as in a browser: ``http`` then
    holds the session cookie. Returns the session's CSRF token for the pages' forms."""
    import re

    from core.auth.accounts import create_staff_user
    from core.auth.middleware import SESSION_COOKIE
    from core.auth.tokens import csrf_token_for

    await create_staff_user(username, STAFF_PASSWORD, list(roles), office_code, display_name)
    page = await http.get("/login", headers={"accept": "text/html"})
    form = re.search(r'name="_csrf" value="([0-9a-f]+)"', page.text)
    assert form, page.text[:500]
    r = await http.post(
        "/login",
        data={"username": username, "password": STAFF_PASSWORD, "_csrf": form.group(1)},
        headers={"accept": "text/html"},
    )
    assert r.status_code == 303, r.text
    raw = http.cookies.get(SESSION_COOKIE)
    assert raw, "the login form set no session cookie"
    return csrf_token_for(raw)


async def set_today(http: httpx.AsyncClient, admin: Mapping[str, str], day: dt.date | None) -> None:
    """Move the application's date to ``day`` (``None``: back to the real date) the way every
    process sharing the database sees it: the admin's test clock endpoint."""
    if day is None:
        r = await http.delete(CLOCK, headers=dict(admin))
    else:
        r = await http.put(CLOCK, json={"today": day.isoformat()}, headers=dict(admin))
    assert r.status_code == 200, r.text
