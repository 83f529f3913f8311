"""Languages: Simplified Chinese by default, English on request.

Message ids in templates and code are English; ``zh`` catalogs (Babel ``.po`` files under each
package's ``locales/``) translate them. The language comes from ``?lang=``, then the ``mz_lang``
cookie, then ``Accept-Language`` (by quality); Chinese wins ties and is the default.

Updating the core catalog after changing templates or ``core/web`` (see ``babel.cfg``)::

    pybabel extract -F babel.cfg -k Phrase -o /tmp/core.pot --no-location .
    pybabel update -i /tmp/core.pot -d core/locales -l zh --no-fuzzy-matching

``tests/core/test_i18n_catalogs.py`` fails while any message lacks its Chinese translation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANG_COOKIE = "mz_lang"
ROOT = Path(__file__).resolve().parent.parent
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


# Plugins installed from elsewhere (the ``minzheng.plugins`` entry points) bring their catalogs
# in their own package directory; the plugin host registers every loaded plugin's directory.
_plugin_dirs: dict[str, Path] = {}


def register_plugin_locales(name: str, package_dir: Path) -> None:
    """Make the catalogs under ``package_dir/locales`` those of plugin ``name``."""
    if (package_dir / "locales").is_dir() and _plugin_dirs.get(name) != package_dir:
        _plugin_dirs[name] = package_dir
        translations.cache_clear()


def is_plugin_domain(name: str) -> bool:
    return name in _plugin_dirs or (ROOT / "plugins" / name).is_dir()


def catalog_paths(lang: str) -> list[Path]:
    found = sorted(ROOT.glob(f"*/locales/{lang}/LC_MESSAGES/messages.po")) + sorted(
        ROOT.glob(f"plugins/*/locales/{lang}/LC_MESSAGES/messages.po")
    )
    for name in sorted(_plugin_dirs):
        path = plugin_catalog(lang, name)
        if path.is_file() and path not in found:
            found.append(path)
    return found


def read_catalog(path: Path, lang: str = "zh") -> dict[str, str]:
    """Translated, non-fuzzy messages of one ``.po`` file (a fuzzy guess is not a translation).

    A plural entry maps both English forms to the first translation: Chinese has one form.
    """
    table: dict[str, str] = {}
    with path.open("rb") as handle:
        for message in read_po(handle, locale="zh_Hans" if lang == "zh" else lang):
            if not message.id or message.fuzzy:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if strings and strings[0]:
                table.update(dict.fromkeys(ids, str(strings[0])))
    return table


def plugin_catalog(lang: str, domain: str) -> Path:
    package_dir = _plugin_dirs.get(domain, ROOT / "plugins" / domain)
    return package_dir / "locales" / lang / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: str, domain: str | None = None) -> dict[str, str]:
    """The catalogs merged for pages of ``domain`` (a plugin's directory name, or None for
    core pages): that plugin's own catalog first, so its wording of a short, ambiguous message
    ("Name": 名称 for an organization, 姓名 for a person) is the one its pages show; then core's,
    so shared messages read the same everywhere; then the other plugins'."""
    own = plugin_catalog(lang, domain) if domain else None
    paths = catalog_paths(lang)
    ordered = ([own] if own in paths else []) + [p for p in paths if p != own]
    table: dict[str, str] = {}
    for path in ordered:
        for msgid, text in read_catalog(path, lang).items():
            table.setdefault(msgid, text)
    return table


def gettext_for(lang: str) -> Callable[[str], str]:
    if lang not in LANGUAGES or lang == "en":
        return lambda message: message
    table = translations(lang)
    return lambda message: table.get(message, message)


def _accepted(accept_language: str) -> list[str]:
    """Language tags of an ``Accept-Language`` header, best first (stable for equal quality)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return candidate
    for tag in _accepted(accept_language):
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LANGUAGE


def has_chinese(text: str) -> bool:
    return _CJK.search(text) is not None


def bilingual(detail: str, lang: str) -> str:
    """The half of an ``"English / 中文"`` error detail in ``lang`` (the whole text otherwise)."""
    parts = [part.strip() for part in detail.split(" / ") if part.strip()]
    if len(parts) != 2:
        return detail
    chinese = [part for part in parts if has_chinese(part)]
    other = [part for part in parts if not has_chinese(part)]
    if len(chinese) != 1 or len(other) != 1:
        return detail
    return chinese[0] if lang == "zh" else other[0]


def text_in(text: str, lang: str) -> str:
    """The page-language half of a ``中文 / English`` text; Chinese-only text stays off English
    pages (nothing beats a sentence the reader cannot read)."""
    shown = bilingual(text, lang)
    return "" if lang == "en" and has_chinese(shown) else shown
