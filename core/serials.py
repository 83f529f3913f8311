"""Gapless serial numbers, one counter row per key, advanced by one conditional UPDATE.

The UPDATE … RETURNING takes the row lock (PostgreSQL) or runs under the IMMEDIATE transaction
(SQLite), so two concurrent callers never get the same value; a value is consumed only when the
caller's transaction commits, so a rolled-back registration leaves no gap.
"""

from __future__ import annotations

from core.db import fetch, fetch_one, write_transaction


async def next_serial(key: str) -> int:
    """The next serial for ``key`` (1, 2, 3 …). Call inside the transaction that uses it."""
    async with write_transaction():
        row = await fetch_one(
            "UPDATE serial_counter SET value = value + 1 WHERE key = {} RETURNING value", key
        )
        if row is None:
            await fetch(
                "INSERT INTO serial_counter (key, value) VALUES ({}, 0) "
                "ON CONFLICT (key) DO NOTHING",
                key,
            )
            row = await fetch_one(
                "UPDATE serial_counter SET value = value + 1 WHERE key = {} RETURNING value", key
            )
        assert row is not None
        return int(row["value"])
