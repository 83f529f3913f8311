"""The clerk's global search box: one query, every enabled service's answers.

The core answers for what it owns, through its own ``minzheng_search`` (``core/builtin.py``):
people by identity number or name, certificates by number. Plugins answer for theirs. Results
are masked; a person's full record is one click further, on a page that writes an audit event
(``core.web.search``). A result's link never carries a full identity number the clerk did not
type: people are linked by the registry's row id.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from core.auth.identity import CurrentUser
from core.certificates.service import check_code
from core.contributions import SearchResult
from core.db import fetch
from core.grams import contains_clause, first_gram
from core.identity import InvalidIdNumber, mask_id_number, mask_name, normalize_id_number
from core.tables import Certificate

MAX_QUERY = 64
PEOPLE_LIMIT = 20
CERTIFICATE_NUMBER = re.compile(r"^[A-Z]{1,3}\d{6}-\d{4}-\d{6}$")
NAME = re.compile(r"^[\u3400-\u9fff\U00020000-\U0003134f·]{2,20}$")
SEX_ZH = {"male": "男", "female": "女"}


def clean_query(raw: str | None) -> str:
    """The query as searched: control characters dropped, spaces trimmed, at most 64 chars."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return text.strip()[:MAX_QUERY]


def person_href(row_id: int) -> str:
    return f"/search/people/{row_id}"


def _person_result(row: dict) -> SearchResult:
    facts = [SEX_ZH.get(row["sex"], row["sex"])]
    if row["hukou_division"]:
        facts.append(f"户籍 {row['hukou_division']}")
    if row["deceased_on"]:
        facts.append("已故")
    return SearchResult(
        kind="person",
        title=f"{mask_name(row['name'])} {mask_id_number(row['id_number'])}",
        subtitle=" · ".join(facts),
        href=person_href(row["id"]),
        order=1,
    )


ID_PREFIX = re.compile(r"^\d{4,17}[0-9Xx]?$")
COLUMNS = "p.id, p.id_number, p.name, p.sex, p.hukou_division, p.deceased_on"


async def people(query: str) -> list[SearchResult]:
    """By the full identity number (either case of X), the start of one (at least 4 digits:
    an index range), or a Chinese name or any two or more consecutive characters of one
    (``core.grams``: an index lookup, not a scan of every person)."""
    try:
        number = normalize_id_number(query)
    except InvalidIdNumber:
        number = None
    if number is not None:
        rows = await fetch(
            f"SELECT {COLUMNS} FROM person p WHERE p.id_number = {{}}",  # noqa: S608
            number,
        )
    elif ID_PREFIX.match(query):
        prefix = query.upper()
        # A range on the unique index: [prefix, prefix + "~") holds every longer number.
        rows = await fetch(
            f"SELECT {COLUMNS} FROM person p WHERE p.id_number >= {{}} "  # noqa: S608
            "AND p.id_number < {} ORDER BY p.id_number LIMIT {}",
            prefix,
            prefix + "~",
            PEOPLE_LIMIT,
        )
    elif NAME.match(query):  # CJK and "·" only: no LIKE wildcards
        rows = await fetch(
            f"SELECT {COLUMNS} FROM person p WHERE "  # noqa: S608
            f"{contains_clause('person', 'name', 'p')} ORDER BY p.name, p.id LIMIT {{}}",
            first_gram(query),
            f"%{query}%",
            PEOPLE_LIMIT,
        )
    else:
        return []
    return [_person_result(row) for row in rows]


async def certificates(query: str, enabled: frozenset[str]) -> list[SearchResult]:
    """By the exact certificate number; a switched-off service's certificates stay hidden."""
    number = query.replace(" ", "").upper()
    if not CERTIFICATE_NUMBER.match(number):
        return []
    row = await Certificate.select().where(Certificate.number == number).first()
    if row is None or row["plugin"] not in enabled | {"core"}:
        return []
    state = "有效" if row["status"] == "valid" else "已作废"
    holders = "、".join(mask_name(name) for name in row["holder_names"])
    return [
        SearchResult(
            kind="certificate",
            title=f"{row['title']} {number}",
            subtitle=f"{row['issued_on']} · {state} · {holders}",
            href=f"/verify/{quote(number)}?c={check_code(number)}",
            order=2,
        )
    ]


async def core_results(query: str, user: CurrentUser) -> list[SearchResult]:
    """The core's answers: people for those who may read personal records, certificates for
    every searching member of staff."""
    from core.plugins import get_host

    results = await people(query) if user.has("core.people.read") else []
    return results + await certificates(query, await get_host().enabled())


async def search(query: str, user: CurrentUser) -> list[SearchResult]:
    """Everyone's results for ``query`` (already cleaned), nothing for an empty one."""
    from core.plugins import get_host

    if not query or not user.is_staff:
        return []
    return await get_host().search(query, user)
