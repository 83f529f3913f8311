"""HTML forms on pages: reading them, and turning a refusal into a message next to its field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from litestar import Request

from core.errors import DomainError
from core.i18n import bilingual, gettext_for

FORM_LEVEL = ""  # key of an error that belongs to no single field


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Form:
    values: dict[str, str]
    lists: dict[str, list[str]]

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default).strip()

    def raw(self, name: str) -> str:
        """Unstripped (passwords keep their spaces)."""
        return self.values.get(name, "")

    def getall(self, name: str) -> list[str]:
        return self.lists.get(name, [])


async def read_form(request: Request) -> Form:
    """The posted fields; a body that is no form reads as an empty one (the page then says what
    is missing instead of answering 400)."""
    try:
        data = await request.form()
    except Exception:  # any undecodable body is simply an empty form
        return Form({}, {})
    values: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for key, value in data.multi_items():
        if isinstance(value, str):
            values.setdefault(key, value)
            lists.setdefault(key, []).append(value)
    return Form(values, lists)


def field_errors(
    exc: DomainError, by_code: Mapping[str, tuple[str, str]], lang: str
) -> dict[str, str]:
    """``{field: message}`` for a refusal: a known code goes next to its field with our own
    wording; any other refusal is shown above the form in the page's language."""
    if exc.code in by_code:
        field, message = by_code[exc.code]
        return {field: gettext_for(lang)(message)}
    return {FORM_LEVEL: bilingual(exc.detail, lang)}


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our name."""
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and not any(ch in target for ch in "\r\n\t")
    ):
        return target
    return "/"
