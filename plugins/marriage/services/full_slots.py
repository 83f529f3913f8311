"""Slots this process saw full, remembered while no place can have been freed since.

On a peak day (5月20日) thousands of citizens press "book" on the same slots long after their
last place went; without a memo each of those refusals reads the slot again (bench/README.md
"Full slots remembered"). A slot read full stays full until a place is freed or added: a
cancellation, a capacity raised, a schedule republished. Each of those changes a row of
``marriage_slot_place``, and a trigger on that table (migration ``marriage_places_notify``)
notifies the channel ``marriage_places`` with the COMMIT, whoever made the change. So a memo
is used only while this process listens on that channel (``core.change_feeds``) and nothing
was notified since the slot was read; and for ``FULL_FOR_SECONDS`` at most, in case a
notification is late (a host that died without closing its connections).

A memo only ever refuses: places are granted by the database alone (``services.places``). On
SQLite the feed is never live, and every booking reads its slot.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.change_feeds import Feed
from core.change_feeds import feed as change_feed
from core.db import write_scope

CHANNEL = "marriage_places"
FULL_FOR_SECONDS = 2.0
MAX_SLOTS = 4096  # a peak day's slots of every office many times over; then start afresh


@dataclass(frozen=True, slots=True)
class FullSlot:
    """What a refusal needs of the slot besides its fullness (``rules.booking_refusal``)."""

    day: Any
    start_time: str
    epoch: int
    until: float


class FullSlots:
    def __init__(self, feed: Feed, clock: Callable[[], float] = time.monotonic) -> None:
        self._feed = feed
        self._clock = clock
        self._slots: dict[int, FullSlot] = {}

    def epoch(self) -> int | None:
        """Taken before reading a slot: ``remember`` keeps what that read saw only if no place
        was freed meanwhile. ``None`` while the feed is not live (nothing is remembered)."""
        return self._feed.epoch if self._feed.live else None

    def remember(self, slot_id: int, slot: dict[str, Any], epoch: int | None) -> None:
        if epoch is None or epoch != self.epoch():
            return
        if len(self._slots) >= MAX_SLOTS:
            self._slots.clear()
        until = self._clock() + FULL_FOR_SECONDS
        self._slots[slot_id] = FullSlot(slot["day"], slot["start_time"], epoch, until)

    def get(self, slot_id: int) -> FullSlot | None:
        """The slot, if it is known to be full."""
        known = self._slots.get(slot_id)
        if known is None:
            return None
        if known.epoch != self.epoch() or known.until <= self._clock():
            del self._slots[slot_id]
            return None
        return known

    def forget(self) -> None:
        """Every memo ends, and a slot being read meanwhile is not remembered (its read may
        predate the change): the same as a notification."""
        self._feed.changed()
        self._slots.clear()


full_slots = FullSlots(change_feed(CHANNEL))


async def _forget() -> None:
    full_slots.forget()


def places_freed() -> None:
    """Inside the transaction that frees or adds places: this process forgets its memos at
    once and again when that transaction commits (a slot read full in between may have been
    read before the COMMIT); the others when the database notifies them of the COMMIT."""
    full_slots.forget()
    scope = write_scope()
    if scope is not None:
        scope.after_commit["marriage.full_slots"] = _forget
