"""``?limit=&offset=`` for collections that grow without bound (API.md Conventions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from core.refusals import Refusal
from core.schemas import Out

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000
"""Beyond any real collection; larger values would overflow the databases' 64-bit integers."""


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


def page_params(limit: int | None, offset: int | None) -> PageParams:
    limit = DEFAULT_LIMIT if limit is None else limit
    offset = 0 if offset is None else offset
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_OFFSET:
        raise Refusal(
            "BAD_REQUEST",
            zh="分页参数无效",
            en=f"limit must be 1..{MAX_LIMIT} and offset 0..{MAX_OFFSET}",
            kind="bad_request",
            english_first=True,
        )
    return PageParams(limit, offset)


def page(items: list[Any], total: int) -> dict[str, Any]:
    return {"items": items, "total": total}


ItemT = TypeVar("ItemT")


class Page(Out, Generic[ItemT]):
    """A paginated answer: ``Page[XOut]``, built with ``to_out(Page[XOut], page(rows, total))``."""

    items: list[ItemT]
    total: int
