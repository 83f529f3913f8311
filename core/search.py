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
from core.contributions import Phrase, SearchResult
from core.db import fetch
from core.grams import contains_clause, grams_of
from core.identity import InvalidIdNumber, mask_id_number, mask_name, normalize_id_number
from core.tables import Certificate

MAX_QUERY = 64
PEOPLE_LIMIT = 20
CERTIFICATE_NUMBER = re.compile(r"^[A-Z]{1,3}\d{6}-\d{4}-\d{6}$")
NAME = re.compile(r"^[\u3400-\u9fff\U00020000-\U0003134f·]{2,20}$")
SEX_ZH = {"male": "男", "female": "女"}
SEX = {"male": Phrase("Male"), "female": Phrase("Female")}
VALIDITY = {True: Phrase("Valid"), False: Phrase("Void")}


def clean_query(raw: str | None) -> str:
    """The query as searched: control characters dropped, spaces trimmed, at most 64 chars."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return text.strip()[:MAX_QUERY]


def person_href(row_id: int) -> str:
    return f"/search/people/{row_id}"


def _person_result(row: dict) -> SearchResult:
    facts = [SEX_ZH.get(row["sex"], row["sex"])]
    shown = [SEX.get(row["sex"], Phrase("Sex unknown"))]
    if row["hukou_division"]:
        facts.append(f"户籍 {row['hukou_division']}")
        shown.append(Phrase("Hukou %(division)s", {"division": row["hukou_division"]}))
    if row["deceased_on"]:
        facts.append("已故")
        shown.append(Phrase("Deceased"))
    name, number = mask_name(row["name"]), mask_id_number(row["id_number"])
    return SearchResult(
        kind="person",
        title=f"{name} {number}",
        subtitle=" · ".join(facts),
        href=person_href(row["id"]),
        order=1,
        phrase=(
            Phrase("%(name)s %(number)s", {"name": name, "number": number}),
            Phrase(" · ".join(f"%({i})s" for i in range(len(shown))), dict(enumerate(shown))),
        ),
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
            f"{contains_clause('person', 'name', 'p', query)} ORDER BY p.name, p.id LIMIT {{}}",
            *grams_of(query),
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
    from core.plugins import get_host

    valid = row["status"] == "valid"
    names = [mask_name(name) for name in row["holder_names"]]
    template = get_host().certificate_templates.get(row["kind"])
    return [
        SearchResult(
            kind="certificate",
            title=f"{row['title']} {number}",
            subtitle=f"{row['issued_on']} · {'有效' if valid else '已作废'} · {'、'.join(names)}",
            href=f"/verify/{quote(number)}?c={check_code(number)}",
            order=2,
            phrase=(
                Phrase(
                    "%(title)s %(number)s",
                    {
                        "title": Phrase(template.title_en) if template else row["title"],
                        "number": number,
                    },
                ),
                Phrase(
                    "%(day)s · %(state)s · %(holders)s",
                    {
                        "day": row["issued_on"],
                        "state": VALIDITY[valid],
                        "holders": names,
                    },
                ),
            ),
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
