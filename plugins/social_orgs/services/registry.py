"""The registry of social organizations: registration, organization accounts, the public
directory and profile."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from core import audit
from core.auth.accounts import create_org_account
from core.auth.identity import CurrentUser
from core.clock import today
from core.contributions import Phrase, SearchResult
from core.db import fetch, fetch_one, write_transaction
from core.grams import (
    candidates,
    contains_clause,
    first_gram,
    gram_table,
    grams_of,
    is_bigram,
    rows_with,
)
from core.pagination import PageParams, page
from core.refusals import Refusal
from core.row_counts import count_sql
from plugins.social_orgs.rules import (
    INSPECTION_RESULT_LABELS,
    KIND_LABELS,
    abnormal_years,
    normalize_uscc,
)
from plugins.social_orgs.services.common import SLUG, get_org, require_active
from plugins.social_orgs.services.tasks import enter_representative, representative_number
from plugins.social_orgs.tables import AnnualReport, Evaluation, Organization

MAX_NAME = 200
SEARCH_LIMIT = 10


def _text(value: str, field: str, label: str, limit: int) -> str:
    text = (value or "").strip()
    if not text or len(text) > limit:
        raise Refusal(
            f"INVALID_{field.upper()}",
            zh=f"请填写{label}（不超过{limit}字）",
            en=f"{field} is required, at most {limit} characters",
        )
    return text


async def register_org(
    *,
    uscc: str,
    name: str,
    kind: str,
    registered_on: dt.date,
    legal_representative: str,
    staff_count: int,
    contact_phone: str = "",
    legal_representative_id_number: str | None = None,
) -> dict[str, Any]:
    """Register an organization (clerk). 422 ``INVALID_USCC`` when the code is malformed or its
    kind digit disagrees with ``kind``; 409 ``ALREADY_REGISTERED`` for a code on file; the legal
    representative's identity number, when given, is validated (422 ``INVALID_ID_NUMBER``) and
    the person enters the core registry."""
    if kind not in KIND_LABELS:
        raise Refusal(
            "INVALID_KIND", zh="机构类型应为社会团体、社会服务机构或基金会", en="unknown kind"
        )
    code = normalize_uscc(uscc, kind)  # type: ignore[arg-type]
    name = _text(name, "name", "组织名称", MAX_NAME)
    representative = _text(legal_representative, "legal_representative", "法定代表人", 64)
    if registered_on > await today():
        raise Refusal(
            "INVALID_DATE", zh="登记日期不能晚于今天", en="the registration date is in the future"
        )
    if staff_count < 0:
        raise Refusal("INVALID_STAFF_COUNT", zh="人数不能为负", en="staff count cannot be negative")
    representative_id = representative_number(legal_representative_id_number)
    async with write_transaction():
        await enter_representative(representative_id, representative)
        inserted = (
            await Organization.insert(
                Organization(
                    uscc=code,
                    name=name,
                    kind=kind,
                    registered_on=registered_on,
                    legal_representative=representative,
                    legal_representative_id_number=representative_id,
                    staff_count=staff_count,
                    contact_phone=(contact_phone or "").strip()[:32],
                )
            )
            .on_conflict(target=Organization.uscc, action="DO NOTHING")
            .returning(Organization.id)
        )
        if not inserted:  # one conditional insert: two clerks racing cannot both register it
            raise Refusal(
                "ALREADY_REGISTERED",
                zh="该统一社会信用代码已登记",
                en=f"{code} is already registered",
                kind="conflict",
            )
        await audit.record(
            "social_orgs.org.registered",
            entity="social_org",
            entity_id=code,
            summary=f"登记{KIND_LABELS[kind]}（{name}）",  # type: ignore[index]
            details={"kind": kind, "registered_on": registered_on.isoformat()},
        )
    return await profile(code)


async def create_account(uscc: str, username: str, password: str) -> dict[str, Any]:
    """An ``org`` account that files this organization's reports (clerk)."""
    org = await get_org(uscc)
    require_active(org)
    account = await create_org_account(username, password, org["uscc"], org["name"])
    return {"username": account.username, "kind": "org", "uscc": org["uscc"]}


async def _current_grade(uscc: str, on: dt.date) -> dict[str, Any] | None:
    """The latest announced grade not yet expired on ``on`` (its validity may start next year)."""
    row = await (
        Evaluation.select()
        .where(
            (Evaluation.uscc == uscc)
            & (Evaluation.status == "announced")
            & Evaluation.grade.is_not_null()
            & (Evaluation.valid_until >= on)
        )
        .order_by(Evaluation.announced_on, ascending=False)
        .first()
    )
    return row


async def _latest_inspection(uscc: str) -> dict[str, Any] | None:
    return await (
        AnnualReport.select(
            AnnualReport.year,
            AnnualReport.inspection_result,
            AnnualReport.inspection_note,
            AnnualReport.inspected_on,
        )
        .where((AnnualReport.uscc == uscc) & AnnualReport.inspection_result.is_not_null())
        .order_by(AnnualReport.year, ascending=False)
        .first()
    )


async def submissions(uscc: str) -> dict[int, dt.date]:
    """Report year → first submission day, for the abnormal-list rule."""
    rows = await AnnualReport.select(AnnualReport.year, AnnualReport.submitted_on).where(
        (AnnualReport.uscc == uscc) & AnnualReport.submitted_on.is_not_null()
    )
    return {row["year"]: row["submitted_on"] for row in rows}


async def profile(uscc: str) -> dict[str, Any]:
    """The public profile: registration facts, latest inspection, current grade, abnormal years."""
    org = await get_org(uscc)
    on = await today()
    inspection = await _latest_inspection(org["uscc"])
    grade = await _current_grade(org["uscc"], on)
    unfiled = (
        abnormal_years(
            kind=org["kind"],
            registered_on=org["registered_on"],
            submitted_on=await submissions(org["uscc"]),
            today=on,
        )
        if org["status"] == "active"
        else []
    )
    return {
        "uscc": org["uscc"],
        "name": org["name"],
        "kind": org["kind"],
        "kind_label": KIND_LABELS[org["kind"]],
        "status": org["status"],
        "registered_on": org["registered_on"],
        "deregistered_on": org["deregistered_on"],
        "legal_representative": org["legal_representative"],
        "staff_count": org["staff_count"],
        "latest_inspection": inspection
        and {
            "year": inspection["year"],
            "result": inspection["inspection_result"],
            "result_label": INSPECTION_RESULT_LABELS[inspection["inspection_result"]],
            "inspected_on": inspection["inspected_on"],
        },
        "latest_inspection_result": inspection and inspection["inspection_result"],
        "grade": grade and grade["grade"],
        "grade_valid_from": grade and grade["valid_from"],
        "grade_valid_until": grade and grade["valid_until"],
        "grade_certificate_no": grade and grade["certificate_no"],
        "abnormal_years": unfiled,
        "on_abnormal_list": bool(unfiled),
    }


COUNT_CAP = 10_000
"""A filtered directory counts its matches up to here (``total_capped``)."""
CODE = re.compile(r"^[0-9A-Za-z]{2,18}$")


FREQUENT = 2_000
"""Candidates (rows with the query's first bigram, codes in its range) from which a page is
found sooner by walking the ``(name, uscc)`` index and testing each entry's name and code (a
bigram in 2% of the names: ~2,500 entries for a page of 50) than by reading and sorting every
candidate by name."""


@dataclass(frozen=True)
class Matching:
    """Organizations whose name contains the term or whose code starts with it: as a list of
    candidates to check (``listed``), as a test of each ``(name, uscc)`` index entry
    (``checked``), and as disjoint parts to count (``parts``: ``FROM … WHERE …`` of ``o``,
    each stopping at the cap)."""

    listed: tuple[str, list[Any]]
    checked: tuple[str, list[Any]]
    frequent: bool
    parts: list[tuple[str, list[Any]]]
    bigram: str | None
    """The term when containing it is having it as a bigram and it is no code: counted in the
    bigram index alone when nothing else filters."""


async def _matching(term: str) -> Matching:
    """Name containing ``term`` (an index lookup through ``core.grams`` for two or more
    characters; one character reads every name) or code starting with it (codes are stored
    upper-case; an index range)."""
    gram = first_gram(term)
    pattern = f"%{term}%"
    if gram is None:  # one character: no index helps
        clause = ("o.name LIKE {}", [pattern])
        return Matching(
            clause, clause, True, [("social_org o WHERE " + clause[0], [pattern])], None
        )
    seen = await rows_with("social_org", "name", gram, FREQUENT)
    # rows holding the term's first and last bigrams (an intersection, done before any UNION:
    # PostgreSQL ranks INTERSECT first, SQLite reads compounds left to right)
    listed = f"o.id IN ({candidates('social_org', 'name', term)}"
    listed_args: list[Any] = grams_of(term)
    name, name_args = "o.name LIKE {}", [pattern]
    named = f"social_org o WHERE {contains_clause('social_org', 'name', 'o', term)}"
    parts: list[tuple[str, list[Any]]] = [(named, [*grams_of(term), pattern])]
    code = term.upper() if CODE.match(term) else None
    if code is not None:
        in_range, bounds = "o.uscc >= {} AND o.uscc < {}", [code, code + "~"]
        found = await fetch_one(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM social_org o "  # noqa: S608
            f"WHERE {in_range} LIMIT {{}}) AS found",
            *bounds,
            FREQUENT,
        )
        seen += int(found["n"]) if found else 0
        listed += f" UNION ALL SELECT o.id FROM social_org o WHERE {in_range}"  # noqa: S608
        listed_args += bounds
        name, name_args = f"{name} OR ({in_range})", [*name_args, *bounds]
        parts = [
            (f"social_org o WHERE {in_range}", bounds),
            (f"{named} AND NOT ({in_range})", [*grams_of(term), pattern, *bounds]),
        ]
    return Matching(
        listed=(f"{listed}) AND ({name})", [*listed_args, *name_args]),
        checked=(f"({name})", name_args),
        frequent=seen >= FREQUENT,
        parts=parts,
        bigram=term if code is None and is_bigram(term) else None,
    )


async def _count(
    matching: Matching | None, clauses: list[str], args: list[Any]
) -> tuple[int, bool]:
    """(total, capped): every organization without a filter; with one, up to ``COUNT_CAP``,
    each part of the match counted by its index and stopping at the cap."""
    if matching is None and not clauses:
        count = await fetch_one(count_sql("social_org"))  # kept by triggers, not counted
        return (int(count["n"]) if count else 0), False
    if matching is None:
        parts = [("social_org o WHERE " + " AND ".join(clauses), args)]
    elif matching.bigram is not None and not clauses:
        grams = gram_table("social_org", "name")
        parts = [(f"{grams} g WHERE g.gram = {{}}", [matching.bigram])]
    else:
        extra = "".join(f" AND {clause}" for clause in clauses)
        parts = [(sql + extra, [*part_args, *args]) for sql, part_args in matching.parts]
    total = 0
    for sql, part_args in parts:
        count = await fetch_one(
            f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM {sql} LIMIT {{}}) AS matching",  # noqa: S608
            *part_args,
            COUNT_CAP + 1 - total,
        )
        total += int(count["n"]) if count else 0
        if total > COUNT_CAP:
            break
    return min(total, COUNT_CAP), total > COUNT_CAP


async def directory(
    params: PageParams,
    q: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    after: str | None = None,
) -> dict[str, Any]:
    """The public directory, by name then code: code, name, kind, status (no personal data).

    ``after`` (a code, answered as ``next_after`` for the last row of a full page) starts the
    page after that organization by the ``(name, uscc)`` index instead of skipping ``offset``
    rows. ``total`` counts every organization the filters match, up to 10,000 when there is a
    filter (then ``total_capped``).
    """
    clauses: list[str] = []
    args: list[Any] = []
    if kind:
        clauses.append("o.kind = {}")
        args.append(kind)
    if status:
        clauses.append("o.status = {}")
        args.append(status)
    matching = await _matching(q.strip()) if q and q.strip() else None
    page_clauses, page_args = list(clauses), list(args)
    if matching is not None:
        clause, more = matching.checked if matching.frequent else matching.listed
        page_clauses.append(clause)
        page_args += more
    if after:
        page_clauses.append(
            "(o.name > (SELECT name FROM social_org WHERE uscc = {}) OR "
            "(o.name = (SELECT name FROM social_org WHERE uscc = {}) AND o.uscc > {}))"
        )
        page_args += [after.upper()] * 3
    where = ("WHERE " + " AND ".join(page_clauses)) if page_clauses else ""
    # The page's ids first, from the (name, uscc) index alone (skipping ``offset`` entries of
    # the index, not of the table), then those rows.
    rows = await fetch(
        "SELECT o.uscc, o.name, o.kind, o.status, o.registered_on FROM social_org o "  # noqa: S608
        f"WHERE o.id IN (SELECT o.id FROM social_org o {where} ORDER BY o.name, o.uscc "
        "LIMIT {} OFFSET {}) ORDER BY o.name, o.uscc",
        *page_args,
        params.limit,
        0 if after else params.offset,
    )
    total, capped = await _count(matching, clauses, args)
    on = await today()
    grades = {
        row["uscc"]: row["grade"]
        for row in await Evaluation.select(Evaluation.uscc, Evaluation.grade)
        .where(
            (Evaluation.status == "announced")
            & Evaluation.grade.is_not_null()
            & (Evaluation.valid_until >= on)
            & Evaluation.uscc.is_in([row["uscc"] for row in rows] or [""])
        )
        # The latest announcement wins.
        .order_by(Evaluation.announced_on)
    }
    items = [
        {**row, "kind_label": KIND_LABELS[row["kind"]], "grade": grades.get(row["uscc"])}
        for row in rows
    ]
    body = page(items, total)
    body["total_capped"] = capped
    body["next_after"] = rows[-1]["uscc"] if len(rows) == params.limit else None
    return body


async def search(query: str, user: CurrentUser) -> list[SearchResult]:
    """The clerk's global search: organizations by name or code (public registry data)."""
    if not user.is_staff:
        return []
    matching = await _matching(query)
    clause, args = matching.checked if matching.frequent else matching.listed
    rows = await fetch(
        "SELECT o.uscc, o.name, o.kind, o.status FROM social_org o "  # noqa: S608
        f"WHERE {clause} ORDER BY o.name, o.uscc LIMIT {{}}",
        *args,
        SEARCH_LIMIT,
    )
    status = {"active": "正常", "deregistered": "已撤销登记"}
    shown = {"active": Phrase("In operation"), "deregistered": Phrase("Deregistered")}
    kinds = {
        "social_group": Phrase("Social group"),
        "social_service": Phrase("Social service organization"),
        "foundation": Phrase("Foundation"),
    }
    return [
        SearchResult(
            kind="社会组织",
            title=row["name"],
            subtitle=f"{row['uscc']} · {KIND_LABELS[row['kind']]} · {status[row['status']]}",
            href=f"/orgs/{row['uscc']}",
            plugin=SLUG,
            order=400,
            phrase=(
                Phrase("%(name)s", {"name": row["name"]}),
                Phrase(
                    "%(uscc)s · %(kind)s · %(status)s",
                    {
                        "uscc": row["uscc"],
                        "kind": kinds[row["kind"]],
                        "status": shown[row["status"]],
                    },
                ),
            ),
        )
        for row in rows
    ]
