"""The main menu: each service's entries grouped under its name, the current page marked
(issue 7 item 4: navigation built from minzheng_menu_items, by role, enabled plugins only)."""

from __future__ import annotations

from core.contributions import MenuItem, PluginMeta
from core.web.navigation import current_href, navigation

METAS = [
    PluginMeta("marriage", "婚姻登记", "Marriage registration", "1", "marriage"),
    PluginMeta("social_orgs", "社会组织管理", "Social organizations", "1", "orgs"),
]
HOME = MenuItem("首页", "Home", "/", 0)
BOOK = MenuItem("婚姻登记预约", "Book", "/marriage/book", 10, "marriage.book", "marriage")
MINE = MenuItem("我的预约", "My bookings", "/marriage/my", 11, "marriage.book", "marriage")
ORGS = MenuItem("社会组织", "Social organizations", "/orgs/", 400, None, "social_orgs")
ADMIN = MenuItem("系统管理", "Administration", "/admin", 950, "core.admin")


def test_a_service_with_several_entries_becomes_one_group_in_menu_order():
    entries = navigation([HOME, BOOK, MINE, ORGS, ADMIN], METAS, "/", "zh")
    assert [e.label for e in entries] == ["首页", "婚姻登记", "社会组织", "系统管理"]
    marriage = entries[1]
    assert [c.label for c in marriage.items] == ["婚姻登记预约", "我的预约"]
    assert entries[2].items == [] and entries[2].href == "/orgs/"  # one entry: a plain link


def test_labels_follow_the_page_language():
    entries = navigation([HOME, BOOK, MINE], METAS, "/", "en")
    assert [e.label for e in entries] == ["Home", "Marriage registration"]
    assert [c.label for c in entries[1].items] == ["Book", "My bookings"]


def test_the_most_specific_entry_is_the_current_one():
    items = [HOME, BOOK, MINE, ORGS, ADMIN]
    assert current_href(items, "/") == "/"
    assert current_href(items, "/marriage/my") == "/marriage/my"
    assert current_href(items, "/marriage/my/B123") == "/marriage/my"
    assert current_href(items, "/orgs") == "/orgs/"
    assert current_href(items, "/admin/users") == "/admin"
    assert current_href(items, "/administrator") is None  # a prefix of the name is not a parent
    entries = navigation(items, METAS, "/marriage/my", "zh")
    home, marriage, *_ = entries
    assert not home.current and marriage.current
    assert [c.current for c in marriage.items] == [False, True]


def test_no_entries_no_menu():
    assert navigation([], METAS, "/", "zh") == []
