"""Every message a page can show has its Chinese translation (issue 7 item 4).

Messages are extracted the way ``pybabel extract`` does (babel.cfg): the Jinja extractor
``jinja2.ext.babel_extract`` over ``templates/`` and each ``plugins/<slug>/templates/``, Babel's
Python extractor over ``core/web/`` and each plugin's ``pages.py`` (``_``, ``gettext``, ``N_`` …).
A core message must be in the core catalog; a plugin's in the core catalog or its own
``plugins/<slug>/locales/zh/LC_MESSAGES/messages.po``. The failure lists what is missing;
babel.cfg says how to update the catalogs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from jinja2.ext import babel_extract

from core.i18n import has_chinese, read_catalog

ROOT = Path(__file__).resolve().parents[2]
CORE_CATALOG = ROOT / "core" / "locales" / "zh" / "LC_MESSAGES" / "messages.po"
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
WORD = re.compile(r"[A-Za-z]")
KEYWORDS = {**DEFAULT_KEYWORDS, "Phrase": (1,)}  # core.contributions.Phrase: a page's text


@dataclass(frozen=True)
class Scope:
    name: str
    templates: list[Path]
    python: list[Path]
    catalogs: list[Path]


def _plugin_scope(plugin: Path) -> Scope:
    pages = [plugin / "pages.py", *sorted((plugin / "pages").rglob("*.py"))]
    pages += sorted((plugin / "services").rglob("*.py"))  # Phrase(...) a page shows
    return Scope(
        plugin.name,
        sorted((plugin / "templates").rglob("*.html")),
        [p for p in pages if p.is_file()],
        [CORE_CATALOG, plugin / "locales" / "zh" / "LC_MESSAGES" / "messages.po"],
    )


def scopes() -> list[Scope]:
    core = Scope(
        "core",
        sorted((ROOT / "templates").rglob("*.html")),
        [*sorted((ROOT / "core" / "web").rglob("*.py")), ROOT / "core" / "search.py"],
        [CORE_CATALOG],
    )
    plugins = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "plugin.py").is_file())
    return [core, *(_plugin_scope(p) for p in plugins)]


def messages_of(scope: Scope) -> dict[str, list[str]]:
    """msgid → the places it is used (``path:line``)."""
    found: dict[str, list[str]] = {}
    sources = [(babel_extract, p, JINJA_OPTIONS) for p in scope.templates]
    sources += [("python", p, {}) for p in scope.python]
    for method, path, options in sources:
        for line, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            for msgid in message if isinstance(message, tuple) else (message,):
                if msgid and WORD.search(PLACEHOLDER.sub("", msgid)):  # words to translate
                    found.setdefault(msgid, []).append(f"{path.relative_to(ROOT)}:{line}")
    return found


def translations_of(scope: Scope) -> dict[str, str]:
    table: dict[str, str] = {}
    for catalog in scope.catalogs:
        if catalog.is_file():
            table.update(read_catalog(catalog))
    return table


@pytest.mark.parametrize("scope", scopes(), ids=lambda s: s.name)
def test_every_message_has_a_chinese_translation(scope):
    translated = translations_of(scope)
    missing = [
        f"  {places[0]}: {msgid!r}"
        for msgid, places in sorted(messages_of(scope).items(), key=lambda i: i[1][0])
        if msgid not in translated
    ]
    assert not missing, (
        f"{len(missing)} message(s) of {scope.name} have no Chinese translation in "
        f"{', '.join(str(c.relative_to(ROOT)) for c in scope.catalogs)} "
        "(see babel.cfg for the update commands):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("scope", scopes(), ids=lambda s: s.name)
def test_translations_keep_the_placeholders(scope):
    """A placeholder lost or invented in translation would break the Chinese page."""
    translated = translations_of(scope)
    wrong = [
        f"  {msgid!r} -> {translated[msgid]!r}"
        for msgid in messages_of(scope)
        if msgid in translated
        and set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(translated[msgid]))
    ]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_extraction_sees_templates_macros_and_page_code():
    """Guards the test above against passing because it found nothing."""
    core = messages_of(scopes()[0])
    assert len(core) > 150
    assert any(p.startswith("templates/base.html") for p in core["Sign in"])
    assert any(p.startswith("templates/macros.html") for p in core["Next"])
    assert any(p.startswith("core/web/pages.py") for p in core["Wrong username or password."])
    assert any(p.startswith("core/web/admin_pages.py") for p in core["The service is switched on."])


def test_a_fuzzy_or_empty_entry_is_not_a_translation(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Sign in"\nmsgstr "登录"\n\n'
        '#, fuzzy\nmsgid "Sign out"\nmsgstr "登录"\n\n'
        'msgid "Menu"\nmsgstr ""\n\n'
        'msgid "%(n)s file"\nmsgid_plural "%(n)s files"\nmsgstr[0] "%(n)s 个文件"\n',
        encoding="utf-8",
    )
    assert read_catalog(po) == {
        "Sign in": "登录",
        "%(n)s file": "%(n)s 个文件",
        "%(n)s files": "%(n)s 个文件",
    }


def test_a_plugin_installed_from_elsewhere_brings_its_own_catalog(tmp_path, monkeypatch):
    """An entry-point plugin lives outside this repository: the host registers its package
    directory, so its pages speak Chinese from its own ``locales/`` with its own wording first."""
    from core import i18n

    catalog = tmp_path / "locales" / "zh" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Outside greeting"\nmsgstr "外部插件的问候"\n\n'
        'msgid "Name"\nmsgstr "外部名称"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "_plugin_dirs", dict(i18n._plugin_dirs))
    i18n.translations.cache_clear()
    assert "Outside greeting" not in i18n.translations("zh")
    i18n.register_plugin_locales("outside", tmp_path)
    try:
        assert i18n.is_plugin_domain("outside")
        assert i18n.translations("zh", "outside")["Outside greeting"] == "外部插件的问候"
        assert i18n.translations("zh", "outside")["Name"] == "外部名称"  # its own wording first
        assert i18n.translations("zh")["Name"] != "外部名称"  # core pages keep core's
    finally:
        monkeypatch.undo()
        i18n.translations.cache_clear()


def test_the_host_registers_every_loaded_plugins_directory():
    from core import i18n
    from core.plugins import get_host

    host = get_host()
    assert {"marriage", "funeral", "disability", "social_orgs"} <= set(host.plugins)
    for name, plugin in host.plugins.items():
        package_dir = Path(plugin.module.__file__).resolve().parent
        if (package_dir / "locales").is_dir():
            assert i18n.plugin_catalog("zh", name).is_relative_to(package_dir), name


def test_every_audit_action_has_a_label_in_both_languages():
    """The audit log names each action by its label (issue 14 item 3): English in the
    declaration, Chinese from the declaring plugin's catalog (or core's)."""
    from core.plugins import get_host

    host = get_host()
    missing = []
    for name, action in sorted(host.audit_event_types.items()):
        plugin = name.split(".", 1)[0]
        catalogs = [CORE_CATALOG, ROOT / "plugins" / plugin / "locales/zh/LC_MESSAGES/messages.po"]
        table = translations_of(Scope(plugin, [], [], catalogs))
        if has_chinese(action.label) or action.label not in table:
            missing.append(f"  {name}: {action.label!r}")
    assert not missing, "audit actions without an English label and its translation:\n" + (
        "\n".join(missing)
    )
