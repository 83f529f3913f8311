"""Which language a page speaks (Chinese by default; English via ?lang=, cookie or header),
and how a bilingual error detail is shown in it."""

from __future__ import annotations

import pytest

from core.i18n import bilingual, gettext_for, negotiate


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, "", "zh"),  # nothing said: Chinese
        (None, None, "fr-FR,de;q=0.8", "zh"),  # neither offered language asked for
        (None, None, "en-US,en;q=0.9", "en"),
        (None, None, "zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        (None, None, "en;q=0.5,zh-TW;q=0.9", "zh"),  # by quality, not by position
        (None, None, "fr,en;q=0.7,zh;q=0.3", "en"),
        (None, None, "zh;q=0,en;q=0.1", "en"),  # q=0 means "not this one"
        (None, None, "en;q=abc,zh", "zh"),  # a malformed quality counts as 0
        (None, "en", "zh-CN", "en"),  # the sticky choice beats the browser
        ("zh", "en", "en", "zh"),  # the explicit switch beats everything
        ("en", None, "zh-CN", "en"),
        ("xx", "yy", "en", "en"),  # unknown codes are ignored
    ],
)
def test_language_choice(query, cookie, header, expected):
    assert negotiate(query, cookie, header) == expected


@pytest.mark.parametrize(
    ("detail", "lang", "shown"),
    [
        ("Wrong username or password / 用户名或密码错误", "zh", "用户名或密码错误"),
        ("Wrong username or password / 用户名或密码错误", "en", "Wrong username or password"),
        ("须为 18 位 / Must be 18 characters", "en", "Must be 18 characters"),
        ("Not found", "zh", "Not found"),  # one language only: shown as it is
        ("a / b / c", "zh", "a / b / c"),
        ("甲 / 乙", "en", "甲 / 乙"),  # no English half to choose
    ],
)
def test_bilingual_details_are_shown_in_the_page_language(detail, lang, shown):
    assert bilingual(detail, lang) == shown


def test_gettext_translates_known_messages_and_keeps_unknown_ones():
    assert gettext_for("zh")("Sign in") == "登录"
    assert gettext_for("zh")("A message nobody translated") == "A message nobody translated"
    assert gettext_for("en")("Sign in") == "Sign in"


def test_the_core_wording_of_a_shared_message_wins_over_a_plugins(tmp_path, monkeypatch):
    import core.i18n

    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    core_po, plugin_po = tmp_path / "core.po", tmp_path / "plugin.po"
    core_po.write_text(header + 'msgid "Service"\nmsgstr "服务"\n', encoding="utf-8")
    plugin_po.write_text(
        header + 'msgid "Service"\nmsgstr "办理业务"\n\nmsgid "Book"\nmsgstr "预约"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(core.i18n, "catalog_paths", lambda lang: [core_po, plugin_po])
    merged = core.i18n.translations.__wrapped__("zh")
    assert merged == {"Service": "服务", "Book": "预约"}
