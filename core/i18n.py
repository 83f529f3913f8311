"""Languages: Simplified Chinese by default, English on request.

Message ids in templates and code are English; ``zh`` catalogs (Babel ``.po`` files under each
package's ``locales/``) translate them. The language comes from ``?lang=``, then the ``mz_lang``
cookie, then ``Accept-Language``; Chinese wins ties.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANG_COOKIE = "mz_lang"
ROOT = Path(__file__).resolve().parent.parent


def catalog_paths(lang: str) -> list[Path]:
    return sorted(ROOT.glob(f"*/locales/{lang}/LC_MESSAGES/messages.po")) + sorted(
        ROOT.glob(f"plugins/*/locales/{lang}/LC_MESSAGES/messages.po")
    )


@cache
def translations(lang: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for path in catalog_paths(lang):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="zh_Hans" if lang == "zh" else lang):
                if message.id and message.string and isinstance(message.id, str):
                    table[message.id] = str(message.string)
    return table


def gettext_for(lang: str) -> Callable[[str], str]:
    if lang == "en":
        return lambda message: message
    table = translations(lang)
    return lambda message: table.get(message, message)


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return candidate
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LANGUAGE
