# ruff: noqa: S608 (fixed column names; every value is a bound parameter)
"""Pages of the audit log at a province's size (millions of entries), newest first.

Used by ``GET /api/v1/admin/audit`` and the administrator's audit page. Without a filter the
total is the chain head's sequence number (no count); with one, matches are counted up to
``COUNT_CAP``. Pages are read from the ``(actor, seq)``, ``(action, seq)`` and ``(entity, seq)``
indexes; ``offset`` skips index entries, not rows; an action prefix is an index range, and its
pages are merged from each of its actions' newest entries. The chain is sealed first, and an
entry not sealed yet (``seq`` NULL, which PostgreSQL sorts first in ``ORDER BY seq DESC``) is
neither shown nor counted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.audit.sealing import seal_for_reading
from core.db import fetch, fetch_one

COUNT_CAP = 10_000
"""Filtered counts stop here (``total_capped``): counting every match of a filter over a
province's millions of events on each page would cost more than the page."""


def prefix_end(prefix: str) -> str:
    """The smallest string after every string starting with ``prefix`` (``marriage.`` →
    ``marriage/``): ``[prefix, prefix_end)`` is an index range, where ``LIKE 'prefix%'`` is not
    one on SQLite (case-insensitive LIKE) nor on PostgreSQL outside the C collation.

    The next character skips the surrogates (no database text holds one); a last character
    with no next one (U+10FFFF) is dropped and the one before it stepped. A prefix of nothing
    else has no end: the range is empty (no action is named so)."""
    kept = prefix.rstrip(_LAST)
    if not kept:
        return prefix
    following = ord(kept[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:
        following = 0xE000
    return kept[:-1] + chr(following)


_LAST = chr(0x10FFFF)


EVENT_COLUMNS = "id, seq, at, actor, action, entity, entity_id, summary"
SEALED = "seq IS NOT NULL"
MERGE_LIMIT = 1_000
"""A namespace's page up to this depth is merged from each of its actions' newest entries."""


async def _actions_in(namespace: str) -> list[str]:
    """The distinct actions starting with ``namespace``, one index probe each (a loose index
    scan: each step asks the ``(action, seq)`` index for the next action after the last)."""
    rows = await fetch(
        "WITH RECURSIVE a(action) AS ("
        "SELECT MIN(action) FROM audit_event WHERE action >= {} AND action < {} "
        "UNION ALL SELECT (SELECT MIN(e.action) FROM audit_event e "
        "WHERE e.action > a.action AND e.action < {}) FROM a WHERE a.action IS NOT NULL) "
        "SELECT action FROM a WHERE action IS NOT NULL",
        namespace,
        prefix_end(namespace),
        prefix_end(namespace),
    )
    return [row["action"] for row in rows]


async def _newest_in_namespace(
    namespace: str, clauses: list[str], args: list[Any], limit: int, skip: int
) -> list[dict[str, Any]]:
    """A page of the entries of a namespace (also matching ``clauses``), newest first: the
    newest ``skip + limit`` of each of its actions by the ``(action, seq)`` index, merged. (The
    range ``action >= 'x.' AND action < 'x/'`` ordered by ``seq`` sorts every entry of the
    namespace on SQLite: a third of a province's million entries for ``marriage.``.)"""
    actions = await _actions_in(namespace)
    if not actions:
        return []
    where = " AND ".join(["action = {}", SEALED, *clauses])
    branches = " UNION ALL ".join(
        f"SELECT * FROM (SELECT {EVENT_COLUMNS} FROM audit_event WHERE {where} "
        f"ORDER BY seq DESC LIMIT {{}}) AS a{i}"
        for i in range(len(actions))
    )
    return await fetch(
        f"SELECT * FROM ({branches}) AS merged ORDER BY seq DESC LIMIT {{}} OFFSET {{}}",
        *(arg for name in actions for arg in (name, *args, skip + limit)),
        limit,
        skip,
    )


async def events_page(
    *,
    actor: str | None = None,
    action: str | None = None,
    action_prefix: str | None = None,
    entity: str | None = None,
    since: dt.datetime | None = None,
    limit: int,
    offset: int = 0,
    after: int | None = None,
) -> tuple[list[dict[str, Any]], int, bool]:
    """(entries, total, capped): entries by ``actor``, exact ``action`` or ``action_prefix``,
    ``entity``, at or after ``since``; the page after sequence number ``after`` (then
    ``offset`` is not used) or ``offset`` entries in."""
    await seal_for_reading()
    clauses, args = [], []
    if action_prefix:
        clauses.append("action >= {} AND action < {}")
        args += [action_prefix, prefix_end(action_prefix)]
    for column, value in (("actor", actor), ("action", action), ("entity", entity)):
        if value:
            clauses.append(f"{column} = {{}}")
            args.append(value)
    if since is not None:
        clauses.append("at >= {}")
        args.append(since)
    filters, filter_args = list(clauses), list(args)
    if after is not None:
        clauses.append("seq < {}")
        args.append(after)
    skip = 0 if after is not None else offset
    if action_prefix and skip + limit <= MERGE_LIMIT:
        # the prefix's range and its two bounds come first
        rows = await _newest_in_namespace(action_prefix, clauses[1:], args[2:], limit, skip)
    else:
        where = " AND ".join([SEALED, *clauses])
        # The page's sequence numbers from an index alone, then those entries.
        rows = await fetch(
            f"SELECT {EVENT_COLUMNS} FROM audit_event WHERE seq IN (SELECT seq "
            f"FROM audit_event WHERE {where} ORDER BY seq DESC LIMIT {{}} OFFSET {{}}) "
            "ORDER BY seq DESC",
            *args,
            limit,
            skip,
        )
    if not filters:
        return rows, await audit_entries(), False
    count = await fetch_one(
        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM audit_event "
        f"WHERE {' AND '.join([SEALED, *filters])} LIMIT {{}}) AS matching",
        *filter_args,
        COUNT_CAP + 1,
    )
    total = int(count["n"]) if count else 0
    return rows, min(total, COUNT_CAP), total > COUNT_CAP


async def audit_entries() -> int:
    """How many entries the chain holds: the head's sequence number, not a count of the rows."""
    head = await fetch_one("SELECT seq FROM audit_head WHERE id = 1")
    return int(head["seq"]) if head else 0
