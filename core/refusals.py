"""How a rule says no, and why a decision came out as it did: one vocabulary for every plugin.

Pure (standard library only), so rules may import it. A rule raises a ``Refusal`` (or returns
one when "no" is an ordinary answer, e.g. the first reason a booking is refused); the app's one
exception handler (``core.errors``) turns it into the contract's error body
``{status_code, code, detail[, extra]}``. Nothing in between translates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal[
    "bad_request",
    "unauthenticated",
    "forbidden",
    "not_found",
    "conflict",
    "payload_too_large",
    "unprocessable",
    "rate_limited",
    "unavailable",
]
# What sort of "no" (the input breaks a rule, the state forbids it now, what it names does not
# exist, who asks may not...); each answers with its own HTTP status code.
STATUS_CODES: dict[Kind, int] = {
    "bad_request": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "payload_too_large": 413,
    "unprocessable": 422,
    "rate_limited": 429,
    "unavailable": 503,
}


class Refusal(Exception):
    """A refusal with the contract's UPPER_SNAKE ``code``, its Chinese and English text and
    optional ``extra`` (shown to the client as the error body's ``extra``); ``status_code``
    follows from its ``kind``; ``headers`` go with the answer (``Retry-After``).

    ``detail`` is the two texts joined ``中文 / English``; ``english_first`` keeps the
    ``English / 中文`` order of codes the contract has always answered that way (the body's
    bytes do not change). A text may be empty: the detail is then the other one alone.
    """

    def __init__(
        self,
        code: str,
        zh: str = "",
        en: str = "",
        *,
        extra: dict[str, Any] | None = None,
        kind: Kind = "unprocessable",
        english_first: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        texts = (en, zh) if english_first else (zh, en)
        self.detail = " / ".join(text for text in texts if text)
        super().__init__(self.detail)
        self.code = code
        self.zh = zh
        self.en = en
        self.extra = extra
        self.kind = kind
        self.status_code = STATUS_CODES[kind]
        self.english_first = english_first
        self.headers = headers or {}

    # The contract's stock refusals; their default texts have always been English first.
    @classmethod
    def not_found(
        cls, zh: str = "未找到", en: str = "Not found", *, english_first: bool = True
    ) -> Refusal:
        return cls("NOT_FOUND", zh, en, kind="not_found", english_first=english_first)

    @classmethod
    def forbidden(
        cls, zh: str = "无权操作", en: str = "Not allowed", *, english_first: bool = True
    ) -> Refusal:
        return cls("FORBIDDEN", zh, en, kind="forbidden", english_first=english_first)

    @classmethod
    def unauthenticated(cls) -> Refusal:
        return cls(
            "UNAUTHENTICATED",
            "请先登录",
            "Authentication required",
            kind="unauthenticated",
            english_first=True,
        )

    @classmethod
    def rate_limited(cls, retry_after: int) -> Refusal:
        retry_after = max(1, int(retry_after))
        return cls(
            "RATE_LIMITED",
            f"请求过于频繁，请 {retry_after} 秒后再试",
            f"Too many requests; retry in {retry_after} s",
            kind="rate_limited",
            english_first=True,
            headers={"Retry-After": str(retry_after)},
        )

    def text_in(self, lang: str) -> str:
        """The text a page in ``lang`` shows ("zh" or another): its own half, else the other."""
        own, other = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return own or other

    def with_extra(self, extra: dict[str, Any]) -> Refusal:
        """The same refusal with ``extra`` (what a service adds that the rule cannot know)."""
        again = type(self).__new__(type(self), *self.args)
        again.__dict__.update(self.__dict__, extra=extra)
        return again

    def __repr__(self) -> str:
        return f"Refusal({self.code!r}, {self.detail!r})"


@dataclass(frozen=True)
class Reason:
    """Why a decision came out as it did: a stable code plus Chinese and English text."""

    code: str
    zh: str
    en: str

    def body(self) -> dict[str, str]:
        """As stored with a decision and shown to clients."""
        return {"code": self.code, "zh": self.zh, "en": self.en}
