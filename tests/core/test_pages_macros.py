"""templates/macros.html, the house macro set every page imports (issue 7 item 4).

Rendered with the application's own Jinja environment, the way plugin pages use it.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from jinja2 import ChoiceLoader, DictLoader, Environment

from core.web.rendering import build_environment, render_template


@pytest.fixture(scope="module")
def env() -> Environment:
    from core.plugins import get_host

    return build_environment(get_host())


def render(env: Environment, source: str, lang: str = "zh", **context) -> str:
    overlay = env.overlay(loader=ChoiceLoader([DictLoader({"page.html": source}), env.loader]))
    return render_template(overlay, "page.html", {"lang": lang, **context})


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


EVERYTHING = """{% import "macros.html" as ui %}
{% call ui.page_header("标题", "说明", back="/x") %}
{{ ui.link_button("新建", "/new") }}{% endcall %}
{{ ui.alert("注意", "warn", "提示") }}{{ ui.flash_messages([("ok", "已保存")]) }}
{{ ui.empty_state("没有记录", "稍后再来", "/x", "返回") }}
{{ ui.card("卡片", "/c", "文字", "附注") }}
{{ ui.facts([("编号", "A1")]) }}<div class="stats">{{ ui.stat("数量", 3, "/s", "ok") }}</div>
<form method="post">{{ ui.csrf("tok") }}
{{ ui.field("phone", "手机", "138", error="号码不对", hint="11 位", required=true,
            attrs={"inputmode": "numeric"}) }}
{{ ui.textarea("note", "备注", "x", hint="可不填") }}
{{ ui.select("kind", "类别", [("a", "甲"), ("b", "乙")], "b", blank="请选择") }}
{{ ui.checkboxes("roles", "角色", [("clerk", "窗口"), ("admin", "管理")], ["admin"],
                 error="至少选一个") }}
{{ ui.button("提交") }}{{ ui.button("删除", "danger") }}</form>
{% call ui.table(["名称", "数量"], caption="表", numeric=[1]) %}
<tr><td>a</td><td class="num">1</td></tr>{% endcall %}
{{ ui.pagination(Pager.for_request("/list", {"page": "2"}, 120)) }}
{{ ui.badge("新", "info") }}{{ ui.status_badge("failed", "失败") }}
{{ ui.bar_chart([("一月", 3), ("二月", 5)], "办理量", "件") }}
{{ ui.bar_chart([("低保", 3), ("特困", 5)], "类别", horizontal=true) }}
{{ ui.line_chart([("1", 1), ("2", 4), ("3", 2)], "趋势") }}
"""


def test_no_macro_writes_an_inline_style_or_script(env):
    """The CSP (style-src 'self', script-src 'self') would block them in the browser."""
    page = Elements(render(env, EVERYTHING))
    attributes = {name for _, attrs in page.tags for name in attrs}
    assert "style" not in attributes
    assert not [name for name in attributes if name.startswith("on")]
    assert not [tag for tag, _ in page.tags if tag in ("style", "script")]


def test_a_field_ties_its_label_hint_and_error_to_the_input(env):
    page = Elements(render(env, EVERYTHING))
    (phone,) = page.find("input", name="phone")
    assert page.find("label", **{"for": phone["id"]})
    described = phone["aria-describedby"].split()
    assert described == ["f-phone-hint", "f-phone-error"]
    for ident in described:
        assert page.find("p", id=ident)
    assert phone["aria-invalid"] == "true" and "required" in phone
    assert phone["inputmode"] == "numeric" and phone["value"] == "138"
    (kind,) = page.find("select", name="kind")
    assert page.find("label", **{"for": kind["id"]}) and "aria-invalid" not in kind
    assert page.find("option", value="b", selected="")
    assert page.find("input", name="roles", value="admin", checked="")
    assert not page.find("input", name="roles", value="clerk", checked="")
    assert page.find("input", type="hidden", name="_csrf", value="tok")


def test_the_error_comes_right_next_to_its_field(env):
    html = render(env, EVERYTHING)
    field = html[html.index('<label for="f-phone"') : html.index('id="f-phone"')]
    assert "号码不对" in field and "11 位" in field


def test_a_password_is_never_written_back_into_the_page(env):
    source = '{% import "macros.html" as ui %}{{ ui.field("pw", "P", "secret-1", "password") }}'
    html = render(env, source)
    assert "secret-1" not in html


def test_macros_speak_the_page_language_however_they_are_imported(env):
    source = (
        '{% import "macros.html" as ui %}'
        '{{ ui.pagination(Pager.for_request("/l", {"page": "2"}, 120)) }}'
    )
    zh = render(env, source, "zh")
    en = render(env, source, "en")
    assert "下一页" in zh and "第 26–50 条，共 120 条" in zh
    assert "Next" in en and "26–50 of 120" in en


def test_wide_tables_scroll_inside_a_focusable_region(env):
    page = Elements(render(env, EVERYTHING))
    (wrap,) = page.find("div", **{"class": "table-wrap"})
    assert wrap["tabindex"] == "0" and wrap["role"] == "region"
    assert page.find("th", scope="col", **{"class": "num"})


def test_bar_chart_draws_one_bar_per_value_with_its_number(env):
    html = render(env, EVERYTHING)
    page = Elements(html)
    bars = page.find("rect", **{"class": "bar"})
    assert len(bars) == 4  # two vertical, two horizontal
    assert float(bars[1]["height"]) > float(bars[0]["height"]) > 0
    assert all(b["fill"].startswith("#") for b in bars)  # presentation attributes, CSP-safe
    assert "<title>二月: 5件</title>" in html
    (svg, *_) = page.find("svg")
    assert svg["role"] == "img" and svg["aria-label"] == "办理量"
    assert '<th scope="row">一月</th><td class="num">3 件</td>' in html  # the numbers as a table


def test_line_chart_joins_every_point(env):
    page = Elements(render(env, EVERYTHING))
    (line,) = page.find("polyline")
    assert len(line["points"].split()) == 3
    assert len(page.find("circle")) == 3


def test_status_badges_take_their_colour_from_the_status(env):
    html = render(env, EVERYTHING)
    assert '<span class="badge badge-bad">失败</span>' in html
    assert '<span class="badge badge-info">新</span>' in html


def test_only_catalog_text_is_trusted_markup(env):
    """A value run through _() by mistake (a name, a status) is escaped like any other value;
    placeholders are escaped too."""
    source = '{{ _(value) }}|{{ _("Welcome, %(name)s.", name=value) }}|{{ _("Sign in") }}'
    zh = render(env, source, "zh", value="<script>x</script>")
    assert "<script>" not in zh
    assert zh.count("&lt;script&gt;") == 2 and zh.endswith("|登录")
    en = render(env, source, "en", value="Q&A <b>")
    assert en == "Q&amp;A &lt;b&gt;|Welcome, Q&amp;A &lt;b&gt;.|Sign in"
