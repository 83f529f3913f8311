"""What other processes changed, as PostgreSQL tells this one (``LISTEN``/``NOTIFY``).

A process may keep a short-lived memo of something it read (a slot that is full) only if it
learns when another process changes that thing. A ``Feed`` names a notification channel; while
this process listens on it (on one connection of its own for all feeds, opened by ``start``),
the feed is *live*, and its *epoch* grows with every notification, every lost connection and every
reconnection. A memo records the epoch it was read in and is good only while the feed is live
and at that epoch: a change committed anywhere, or a moment in which a change could have been
missed (the primary lost in a failover), ends every memo of the feed.

SQLite has no notifications (and several processes may share its file): feeds are never live
there, so memos are never used. The channel's notifications come from the database itself
(a trigger), so a change made by any process, a migration or an operator's SQL is seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

from core.logs import get_logger

log = get_logger("minzheng.change_feeds")

RECONNECT_SECONDS = (0.5, 1.0, 2.0, 5.0)  # then every 5 s while the database is away


class Feed:
    """One channel: ``epoch`` and ``live`` as described above."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.epoch = 0
        self.live = False

    def changed(self, *_: Any) -> None:
        """A notification (or a reason to assume one was missed): every memo ends."""
        self.epoch += 1

    def _set_live(self, live: bool) -> None:
        self.live = live
        self.changed()


_feeds: dict[str, Feed] = {}
_task: asyncio.Task[None] | None = None
_relisten: asyncio.Event | None = None  # set: listen again, now on every feed


def feed(channel: str) -> Feed:
    """The feed of ``channel``, listened on from now on if this process already listens."""
    if channel not in _feeds:
        _feeds[channel] = Feed(channel)
        if _relisten is not None:
            _relisten.set()
    return _feeds[channel]


async def start(connect_config: dict[str, Any]) -> None:
    """Listen on every feed on a connection of this process's own, reconnecting whenever it is
    lost (PostgreSQL; ``core.db.listen``)."""
    global _task
    if _task is None or _task.done():
        _task = asyncio.get_running_loop().create_task(_listen(connect_config))


async def stop() -> None:
    global _task
    if _task is not None:
        _task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await _task
        _task = None
    for one in _feeds.values():
        if one.live:
            one._set_live(False)


def listener_name() -> str:
    """How this process's listening connection shows in ``pg_stat_activity``."""
    return f"minzheng change feeds {os.getpid()}"


async def _listen(config: dict[str, Any]) -> None:
    import asyncpg

    global _relisten
    failures = 0
    while True:
        connection = None
        relisten = _relisten = asyncio.Event()
        try:
            connection = await asyncpg.connect(
                **config, server_settings={"application_name": listener_name()}
            )
            connection.add_termination_listener(lambda _c, lost=relisten: lost.set())
            listened = list(_feeds.values())
            for one in listened:
                await connection.add_listener(one.channel, one.changed)
            for one in listened:
                one._set_live(True)
            failures = 0
            await relisten.wait()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database is away: memos wait for it, nothing else does
            log.warning("change feeds: cannot listen (%s); memos are off until it can", exc)
            failures += 1
        finally:
            for one in _feeds.values():
                if one.live:
                    one._set_live(False)
            if connection is not None and not connection.is_closed():
                with contextlib.suppress(Exception):
                    await asyncio.shield(connection.close(timeout=2))
        if failures:
            await asyncio.sleep(RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS)) - 1])
