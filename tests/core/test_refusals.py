"""Issue #15 item 2: one refusal vocabulary.

A rule's, a service's and core's ``Refusal`` reach the client through one handler, as the
contract's body ``{status_code, code, detail[, extra]}`` with the bytes clients always got.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.refusals import Refusal

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("case", "status", "code", "detail", "extra"),
    [
        ("rule", 422, "NO_ITEMS", "至少申报一项 / claim at least one item", None),
        (
            "english_first",
            422,
            "SAME_PERSON",
            "The partner must be another person / 对方不能是本人",
            None,
        ),
        ("english_only", 422, "INVALID_POLICY", "item codes must be unique", None),
        (
            "extra",
            422,
            "INCOMPLETE_REPORT",
            "年度报告缺少：本年收入 / missing: income",
            {"missing": ["income"]},
        ),
        ("conflict", 409, "STATUS_CHANGED", "状态已变化 / status changed", None),
        ("not_found", 404, "NOT_FOUND", "未找到 / Not found", None),
        ("service", 409, "SLOT_FULL", "This slot is fully booked / 该时段已约满", None),
    ],
)
async def test_a_refusal_becomes_the_contracts_error_body(
    probe_client, case, status, code, detail, extra
):
    r = await probe_client.get(f"/api/v1/probe/refusals/{case}")
    expected = {"status_code": status, "code": code, "detail": detail}
    if extra is not None:
        expected["extra"] = extra
    assert r.status_code == status
    assert r.json() == expected


@pytest.mark.parametrize(
    ("refusal", "status", "code", "detail"),
    [
        (Refusal.not_found(), 404, "NOT_FOUND", "Not found / 未找到"),
        (Refusal.forbidden(), 403, "FORBIDDEN", "Not allowed / 无权操作"),
        (Refusal.unauthenticated(), 401, "UNAUTHENTICATED", "Authentication required / 请先登录"),
        (
            Refusal.not_found(zh="查无此证书", en="No such certificate"),
            404,
            "NOT_FOUND",
            "No such certificate / 查无此证书",
        ),
        (Refusal("X", zh="坏", en="Bad", kind="bad_request"), 400, "X", "坏 / Bad"),
        (Refusal("X", en="only English", kind="payload_too_large"), 413, "X", "only English"),
        (Refusal("X", zh="仅中文", kind="conflict"), 409, "X", "仅中文"),
    ],
)
def test_the_stock_refusals_keep_the_contracts_status_and_text(refusal, status, code, detail):
    assert (refusal.status_code, refusal.code, refusal.detail) == (status, code, detail)


def test_a_rate_limited_refusal_says_when_to_retry():
    refusal = Refusal.rate_limited(0)
    assert (refusal.status_code, refusal.code) == (429, "RATE_LIMITED")
    assert refusal.headers == {"Retry-After": "1"}
    assert refusal.detail == "Too many requests; retry in 1 s / 请求过于频繁，请 1 秒后再试"


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(_text, _text, st.booleans())
def test_the_detail_is_the_non_empty_texts_in_the_chosen_order(zh, en, english_first):
    detail = Refusal("X", zh, en, english_first=english_first).detail
    texts = [t for t in ((en, zh) if english_first else (zh, en)) if t]
    assert detail == " / ".join(texts)


@pytest.mark.parametrize(
    ("zh", "en", "english_first", "lang", "shown"),
    [
        ("名额已满", "The slot is full", True, "zh", "名额已满"),
        ("名额已满", "The slot is full", True, "en", "The slot is full"),
        ("名额已满", "The slot is full", False, "en", "The slot is full"),
        ("只有中文", "", False, "en", "只有中文"),  # nothing to show but the other half
        ("", "English only", True, "zh", "English only"),
    ],
)
def test_a_page_shows_the_refusal_in_its_own_language(zh, en, english_first, lang, shown):
    refusal = Refusal("SLOT_FULL", zh, en, english_first=english_first)
    assert refusal.text_in(lang) == shown


def test_a_service_adds_extra_to_a_rules_refusal_without_changing_it():
    rule = Refusal("NOT_ELIGIBLE", "不符合", "not eligible")
    shown = rule.with_extra({"reasons": []})
    assert (shown.code, shown.detail, shown.status_code) == (rule.code, rule.detail, 422)
    assert shown.extra == {"reasons": []} and rule.extra is None
    conflict = Refusal("X", "已占用", "Taken", kind="conflict").with_extra({"id": 1})
    assert (conflict.status_code, conflict.kind, conflict.extra) == (409, "conflict", {"id": 1})


def _classes_and_reasons(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and (node.name.endswith(("RuleError", "Refusal")) or node.name == "Reason")
    ]


def test_no_plugin_defines_its_own_refusal_or_reason():
    """Rules say no with ``core.refusals.Refusal`` and explain with its ``Reason``: a plugin's own
    error class would need its own translator again."""
    found = {
        str(path.relative_to(ROOT)): names
        for path in (ROOT / "plugins").rglob("*.py")
        if (names := _classes_and_reasons(path))
    }
    assert not found, found


def test_services_and_core_say_no_with_the_one_refusal_type():
    """No second way to say no: no module of core or a plugin subclasses ``Refusal`` (a named
    refusal is a function returning one): one handler, one ``kind``, one pair of texts."""
    subclasses = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
        for top in ("core", "plugins")
        for path in (ROOT / top).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base).endswith("Refusal") for base in node.bases)
    ]
    assert not subclasses, subclasses


def test_no_service_translates_a_refusal():
    """Services let a rule's refusal through (or keep it to show later); the app's one handler
    answers it. Catching one only to raise another is a translator."""
    translating = []
    for path in (ROOT / "plugins").rglob("services/*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ExceptHandler) and node.type is not None):
                continue
            caught = ast.unparse(node.type)
            raises_new = any(
                isinstance(inner, ast.Raise) and isinstance(inner.exc, ast.Call)
                for statement in node.body
                for inner in ast.walk(statement)
            )
            if raises_new and ("Refusal" in caught or "RuleError" in caught):
                translating.append(f"{path.relative_to(ROOT)}:{node.lineno} {caught}")
    assert not translating, translating
