"""Write transactions and deferred writes (``core.db.defer``) on both engines.

A deferred write is part of its transaction like any other statement: committed with it, rolled
back with it, seen by the statements after it, and an error it causes is raised inside the
``write_transaction()`` block that deferred it — however late PostgreSQL receives it.
"""

from __future__ import annotations

import asyncio

import pytest

pytestmark = pytest.mark.db


async def _counters() -> dict[str, int]:
    from core.db import fetch

    rows = await fetch("SELECT key, value FROM serial_counter ORDER BY key")
    return {row["key"]: row["value"] for row in rows}


async def test_deferred_writes_commit_and_roll_back_with_their_transaction(db):
    from core.db import defer, fetch_one, write_transaction

    async with write_transaction():
        await defer("INSERT INTO serial_counter (key, value) VALUES ({}, {})", "kept", 1)
        # a later statement of the same transaction sees it
        row = await fetch_one("SELECT value FROM serial_counter WHERE key = {}", "kept")
        assert row == {"value": 1}
        await defer("UPDATE serial_counter SET value = value + {} WHERE key = {}", 41, "kept")
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await defer("INSERT INTO serial_counter (key, value) VALUES ({}, {})", "lost", 1)
            await defer("UPDATE serial_counter SET value = 0 WHERE key = {}", "kept")
            raise RuntimeError("the change failed")
    assert await _counters() == {"kept": 42}


async def test_text_travels_unchanged_as_a_literal(db):
    from core.db import defer, fetch_one, write_transaction

    awkward = "O'Brien \\ 王𪚥明 ' -- ; \\'"
    async with write_transaction():
        await defer("INSERT INTO serial_counter (key, value) VALUES ({}, {})", awkward, 7)
    assert await fetch_one("SELECT key FROM serial_counter") == {"key": awkward}


async def test_an_error_of_a_deferred_write_is_raised_inside_its_block(db):
    from core.db import defer, fetch, is_unique_violation, write_transaction

    await fetch("INSERT INTO serial_counter (key, value) VALUES ('taken', 1)")
    insert = "INSERT INTO serial_counter (key, value) VALUES ({}, {})"
    # the outermost block: raised by the block (at COMMIT on PostgreSQL), nothing kept
    with pytest.raises(Exception) as refused:
        async with write_transaction():
            await defer(insert, "fresh", 1)
            await defer(insert, "taken", 2)
    assert is_unique_violation(refused.value)
    # a nested block: raised when it ends, so the outer block can answer it and go on
    async with write_transaction():
        await defer(insert, "outer", 1)
        try:
            async with write_transaction():
                await defer(insert, "taken", 3)
        except Exception as exc:
            assert is_unique_violation(exc)
            caught = True
        else:
            caught = False
    assert caught
    # on PostgreSQL the failed statement aborted the whole transaction; on SQLite the one
    # statement failed. Either way the taken key is untouched and "fresh" never landed.
    counters = await _counters()
    assert counters["taken"] == 1 and "fresh" not in counters


async def test_a_transaction_whose_commit_carries_statements_leaves_its_connection_idle(
    db, engine_name
):
    """The audit entries travel with the COMMIT (PostgreSQL): the pooled connection comes back
    outside any transaction, so nothing is rolled back or reported when it is reused."""
    from core import audit
    from core.audit import verify_chain
    from core.db import engine, fetch_one, write_transaction

    reported: list[str] = []
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context["message"]))
    try:
        for number in range(5):
            async with write_transaction():
                await fetch_one("SELECT seq FROM audit_head WHERE id = 1")
                await audit.record(
                    "core.plugin.enabled", entity="plugin", entity_id=f"p{number}", summary="x"
                )
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(previous)
    assert not [message for message in reported if "transaction" in message], reported
    assert (await verify_chain()).ok
    pool = getattr(engine(), "pool", None)
    if engine_name == "postgres":
        async with pool.acquire() as connection:
            assert not connection.is_in_transaction()


async def test_a_value_the_database_refuses_is_bad_input_whether_deferred_or_not(db):
    """A NUL in text (which PostgreSQL cannot store) is the caller's bad input, a 400, not a
    server fault: a deferred write refuses it as a parameter would."""
    from core.db import defer, fetch, write_transaction
    from core.errors import EXCEPTION_HANDLERS, bad_input_handler

    insert = "INSERT INTO serial_counter (key, value) VALUES ({}, {})"
    outcomes = []
    for write in (fetch, defer):
        try:
            async with write_transaction():
                await write(insert, f"a\x00{write.__name__}", 1)
        except Exception as exc:
            handler = next(
                EXCEPTION_HANDLERS[c] for c in type(exc).__mro__ if c in EXCEPTION_HANDLERS
            )
            outcomes.append(handler is bad_input_handler)
        else:
            outcomes.append(None)  # stored as it is (SQLite)
    assert outcomes[0] == outcomes[1]
    assert set(outcomes) <= {True, None}


async def test_a_deferred_write_refused_at_commit_leaves_its_connection_usable(db, engine_name):
    """A refusal that travels back with the COMMIT (a second booking's hold, say) is an
    ordinary answer: the transaction is rolled back and its connection reused, not closed."""
    from core.db import defer, engine, fetch, is_unique_violation, write_transaction

    await fetch("INSERT INTO serial_counter (key, value) VALUES ('taken', 1)")
    connections = []
    with pytest.raises(Exception) as refused:
        async with write_transaction():
            transaction = engine().current_transaction.get()
            # the pooled connection itself (its pool's proxy is detached when released)
            connections.append(getattr(getattr(transaction.connection, "raw", None), "_con", None))
            await defer("INSERT INTO serial_counter (key, value) VALUES ({}, {})", "taken", 2)
    assert is_unique_violation(refused.value)
    if engine_name == "postgres":
        (raw,) = connections
        assert not raw.is_closed() and not raw.is_in_transaction()
    assert await _counters() == {"taken": 1}
