"""How the marriage rules say no: a ``core.refusals.Refusal`` whose detail reads
``English / 中文``, the order the marriage API has always answered in."""

from __future__ import annotations

from typing import Any

from core.refusals import Kind, Refusal


def refusal(
    code: str,
    en: str,
    zh: str,
    *,
    extra: dict[str, Any] | None = None,
    kind: Kind = "unprocessable",
) -> Refusal:
    return Refusal(code, zh, en, extra=extra, kind=kind, english_first=True)
