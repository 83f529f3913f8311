"""Lists of waivers (by month and funeral home) and the clerk's global search."""

from __future__ import annotations

from typing import Any

from core.contributions import Phrase, SearchResult
from core.identity import is_valid_id_number, mask_id_number, mask_name, normalize_id_number
from core.pagination import PageParams, page
from plugins.funeral.certificates import yuan
from plugins.funeral.services.records import deceased_label, waiver_body
from plugins.funeral.services.settlements import month_bounds
from plugins.funeral.tables import FuneralWaiver

STATUSES = ("approved", "rejected", "voided")
SEARCH_LIMIT = 10
STATE_ZH = {"approved": "予以减免", "rejected": "不予减免", "voided": "已作废"}
STATE_PHRASES = {
    "approved": Phrase("Approved"),
    "rejected": Phrase("Rejected"),
    "voided": Phrase("Void"),
}


def _where(month: str | None, funeral_home: str | None, status: str | None) -> Any:
    clauses = []
    if month:
        first, last = month_bounds(month)
        clauses.append((FuneralWaiver.recorded_on >= first) & (FuneralWaiver.recorded_on <= last))
    if funeral_home:
        clauses.append(FuneralWaiver.funeral_home == funeral_home.strip())
    if status == "voided":
        clauses.append(FuneralWaiver.voided_on.is_not_null())
    elif status:
        clauses.append((FuneralWaiver.status == status) & FuneralWaiver.voided_on.is_null())
    where = None
    for clause in clauses:
        where = clause if where is None else where & clause
    return where


async def list_waivers(
    params: PageParams,
    *,
    month: str | None = None,
    funeral_home: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """Newest first; ``month`` is the month recorded (the month it is claimed in)."""
    where = _where(month, funeral_home, status)
    query = FuneralWaiver.select().order_by(FuneralWaiver.id, ascending=False)
    count = FuneralWaiver.count()
    if where is not None:
        query, count = query.where(where), count.where(where)
    rows = await query.limit(params.limit).offset(params.offset)
    return page([waiver_body(row, full=False) for row in rows], await count)


async def funeral_homes() -> list[str]:
    """Homes that have waivers, for filters and the intake form's suggestions."""
    rows = await FuneralWaiver.select(FuneralWaiver.funeral_home).distinct()
    return sorted(row["funeral_home"] for row in rows)


async def search_waivers(query: str) -> list[SearchResult]:
    """By identity number, deceased name or police certificate number; masked results."""
    if is_valid_id_number(query):
        where = FuneralWaiver.id_number == normalize_id_number(query)
    else:
        where = (FuneralWaiver.deceased_name == query) | (
            FuneralWaiver.police_certificate_no == query
        )
    rows = (
        await FuneralWaiver.select()
        .where(where)
        .order_by(FuneralWaiver.id, ascending=False)
        .limit(SEARCH_LIMIT)
    )
    results = []
    for row in rows:
        key = "voided" if row["voided_on"] else row["status"]
        state = STATE_ZH[key]
        deceased: object = (
            mask_id_number(row["id_number"])
            if row["id_number"]
            else Phrase("Unidentified body %(no)s", {"no": row["police_certificate_no"]})
        )
        results.append(
            SearchResult(
                kind="funeral_waiver",
                title=f"惠民殡葬减免 {mask_name(row['deceased_name'])}",
                subtitle=(
                    f"{deceased_label(row)} · {row['recorded_on']} · {row['funeral_home']} · "
                    f"{state} {yuan(row['waived_fen'])} 元"
                ),
                href=f"/funeral/waivers/{row['id']}",
                plugin="funeral",
                order=200,
                phrase=(
                    Phrase(
                        "Funeral fee waiver %(name)s", {"name": mask_name(row["deceased_name"])}
                    ),
                    Phrase(
                        "%(deceased)s · %(day)s · %(home)s · %(state)s %(yuan)s yuan",
                        {
                            "deceased": deceased,
                            "day": row["recorded_on"],
                            "home": row["funeral_home"],
                            "state": STATE_PHRASES[key],
                            "yuan": yuan(row["waived_fen"]),
                        },
                    ),
                ),
            )
        )
    return results
