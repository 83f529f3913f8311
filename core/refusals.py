"""How a rule says no, and why a decision came out as it did: one vocabulary for every plugin.

Pure (standard library only), so rules may import it. A rule raises a ``Refusal`` (or returns
one when "no" is an ordinary answer, e.g. the first reason a booking is refused); the app's one
exception handler (``core.errors``) turns it into the contract's error body
``{status_code, code, detail[, extra]}``. Nothing in between translates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["unprocessable", "conflict", "not_found"]
# What sort of "no": the input breaks a rule, the state forbids it now, or what it names does
# not exist; each answers with its own HTTP status code.
STATUS_CODES: dict[Kind, int] = {"unprocessable": 422, "conflict": 409, "not_found": 404}

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class Refusal(Exception):
    """A refusal with the contract's UPPER_SNAKE ``code``, its Chinese and English text and
    optional ``extra`` (shown to the client as the error body's ``extra``); ``status_code``
    follows from its ``kind``.

    ``detail`` is the two texts joined ``中文 / English``; ``english_first`` keeps the
    ``English / 中文`` order of codes the contract has always answered that way (the body's
    bytes do not change). A text may be empty: the detail is then the other one alone.
    """

    def __init__(
        self,
        code: str,
        zh: str,
        en: str = "",
        *,
        extra: dict[str, Any] | None = None,
        kind: Kind = "unprocessable",
        english_first: bool = False,
    ) -> None:
        texts = (en, zh) if english_first else (zh, en)
        self.detail = " / ".join(text for text in texts if text)
        super().__init__(self.detail)
        self.code = code
        self.zh = zh
        self.en = en
        self.extra = extra
        self.status_code = STATUS_CODES[kind]
        self.english_first = english_first

    def with_extra(self, extra: dict[str, Any]) -> Refusal:
        """The same refusal with ``extra`` (what a service adds that the rule cannot know)."""
        again = type(self).__new__(type(self), *self.args)
        again.__dict__.update(self.__dict__, extra=extra)
        return again

    def __repr__(self) -> str:
        return f"Refusal({self.code!r}, {self.detail!r})"


def split_bilingual(detail: str) -> tuple[str, str, bool]:
    """``(zh, en, english_first)`` of a joined ``中文 / English`` (or ``English / 中文``) text,
    such that ``Refusal(code, zh, en, english_first=...)`` gives back ``detail`` byte for byte.
    A text that is not exactly one Chinese and one other half is kept whole: as ``zh`` when it
    has Chinese in it, else as ``en``."""
    halves = detail.split(" / ")
    if len(halves) == 2 and all(halves):
        first, second = (bool(_CJK.search(half)) for half in halves)
        if first and not second:
            return halves[0], halves[1], False
        if second and not first:
            return halves[1], halves[0], True
    return (detail, "", False) if _CJK.search(detail) else ("", detail, False)


@dataclass(frozen=True)
class Reason:
    """Why a decision came out as it did: a stable code plus Chinese and English text."""

    code: str
    zh: str
    en: str

    def body(self) -> dict[str, str]:
        """As stored with a decision and shown to clients."""
        return {"code": self.code, "zh": self.zh, "en": self.en}
