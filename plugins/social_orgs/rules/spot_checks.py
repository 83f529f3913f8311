"""Random spot checks (双随机一公开): random organizations, each checked by two random inspectors.

The draw is reproducible: the same seed and the same set of active organizations and inspectors
give the same result whatever order they are listed in, so anyone holding the recorded seed can
repeat it. The seed is an int or a string and is used as its text (``42`` and ``"42"`` draw
alike), so a seed copied from the audit log reproduces the draw; ``random.Random`` hashes text
seeds with SHA-512, independent of ``PYTHONHASHSEED``. Choosing a seed is the caller's job.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from core.refusals import Refusal

MIN_SHARE_PERCENT = 3


@dataclass(frozen=True)
class SpotCheckAssignment:
    """One selected organization and the two inspectors who check it."""

    uscc: str
    inspectors: tuple[str, str]


def spot_check_size(active_count: int, count: int | None = None) -> int:
    """How many to check: at least 3% of active organizations (rounded up, so at least one),
    ``count`` when that is larger, never more than there are."""
    minimum = -(-active_count * MIN_SHARE_PERCENT // 100)
    return min(active_count, max(minimum, count or 0))


def draw_spot_check(
    active_usccs: Iterable[str],
    count: int | None,
    seed: int | str,
    inspectors: Iterable[str],
) -> list[SpotCheckAssignment]:
    """Draw the organizations to check (sorted by code), each with two distinct inspectors.

    Refuses (``NOT_ENOUGH_INSPECTORS``) when there is something to check but fewer than two
    distinct inspectors.
    """
    orgs = sorted(set(active_usccs))
    size = spot_check_size(len(orgs), count)
    if size == 0:
        return []
    pool = sorted(set(inspectors))
    if len(pool) < 2:
        raise Refusal(
            "NOT_ENOUGH_INSPECTORS",
            "抽查需要至少两名检查人员",
            "a spot check needs at least two distinct inspectors",
        )
    rng = random.Random(str(seed))
    assignments = []
    for uscc in sorted(rng.sample(orgs, size)):
        first, second = rng.sample(pool, 2)
        assignments.append(SpotCheckAssignment(uscc, (first, second)))
    return assignments
