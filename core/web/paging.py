"""Page numbers for long lists on pages (``?page=2``), keeping the other query parameters.

The API pages with ``limit``/``offset``; people page with numbers. ``templates/macros.html``
``pagination(pager)`` draws a ``Pager``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from litestar import Request

PER_PAGE = 25
MAX_PAGE = 100_000


def page_number(raw: object) -> int:
    """``?page=`` as a number from 1; anything odd is the first page, never an error."""
    try:
        number = int(str(raw))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def requested_page(request: Request, per_page: int = PER_PAGE) -> tuple[int, int]:
    """(limit, offset) of the ``?page=`` a page request asks for."""
    return per_page, (page_number(request.query_params.get("page", 1)) - 1) * per_page


@dataclass(frozen=True)
class Pager:
    number: int
    per_page: int
    total: int
    path: str
    query: tuple[tuple[str, str], ...] = ()

    @classmethod
    def for_request(
        cls, path: str, params: Mapping[str, object], total: int, per_page: int = PER_PAGE
    ) -> Pager:
        kept = tuple(
            (str(k), str(v)) for k, v in _items(params) if k != "page" and v not in ("", None)
        )
        return cls(page_number(params.get("page", 1)), per_page, total, path, kept)

    @classmethod
    def of(cls, request: Request, total: int, per_page: int = PER_PAGE) -> Pager:
        """The pager of a page request, keeping its other query parameters."""
        return cls.for_request(request.url.path, request.query_params, total, per_page)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_item(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last_item(self) -> int:
        return min(self.offset + self.per_page, self.total)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def href(self, number: int) -> str:
        query = [*self.query, ("page", str(number))] if number > 1 else list(self.query)
        return self.path + ("?" + urlencode(query) if query else "")

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to link, with ``None`` where a run is skipped: 1 … 4 5 [6] 7 8 … 20."""
        wanted = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        shown = sorted(n for n in wanted if 1 <= n <= self.pages)
        out: list[int | None] = []
        for n in shown:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


def _items(params: Mapping[str, object]) -> Iterable[tuple[str, object]]:
    """Every value of a multi-value mapping (Litestar's query params), else plain items."""
    multi = getattr(params, "multi_items", None)
    return multi() if callable(multi) else params.items()
