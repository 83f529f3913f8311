"""The clerk's global search over HTTP (``GET /api/v1/search?q=``)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import Parameter

from core.api.schemas import SearchOut
from core.schemas import to_out
from core.search import clean_query, search


def result_body(result: Any) -> dict[str, Any]:
    return {
        "kind": result.kind,
        "title": result.title,
        "subtitle": result.subtitle,
        "href": result.href,
        "plugin": result.plugin,
    }


@get("/search", opt={"permission": "core.search"}, tags=["search"])
async def search_api(request: Request, q: str = Parameter(default="", max_length=200)) -> SearchOut:
    """Masked results from the core (people, certificates) and every enabled service."""
    query = clean_query(q)
    results = await search(query, request.scope["user"])
    return to_out(SearchOut, {"query": query, "items": [result_body(r) for r in results]})


ROUTES = [search_api]
