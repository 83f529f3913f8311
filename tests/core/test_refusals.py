"""Issue #15 item 2: one refusal vocabulary.

A rule's ``Refusal`` and a service's ``DomainError`` reach the client through one handler, as the
contract's body ``{status_code, code, detail[, extra]}`` with the bytes clients always got.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import Conflict, DomainError, NotFound
from core.refusals import Refusal, split_bilingual

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
    ("error", "status", "zh", "en"),
    [
        (DomainError("X", "Bad / 坏"), 422, "坏", "Bad"),
        (DomainError("X", "坏 / Bad"), 422, "坏", "Bad"),
        (Conflict("X", "Taken / 已占用"), 409, "已占用", "Taken"),
        (NotFound(), 404, "未找到", "Not found"),
        (DomainError("X", "only English"), 422, "", "only English"),
        (DomainError("X", "仅中文"), 422, "仅中文", ""),
        (DomainError("X", "a / b / 丙"), 422, "a / b / 丙", ""),
    ],
)
def test_a_services_refusal_is_a_refusal_with_its_texts_apart(error, status, zh, en):
    assert isinstance(error, Refusal)
    assert (error.status_code, error.zh, error.en) == (status, zh, en)


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(st.one_of(_text, st.builds(lambda a, b: f"{a} / {b}", _text, _text)))
def test_splitting_a_joined_text_gives_back_the_same_bytes(detail):
    zh, en, english_first = split_bilingual(detail)
    assert Refusal("X", zh, en, english_first=english_first).detail == detail


def test_a_service_adds_extra_to_a_rules_refusal_without_changing_it():
    rule = Refusal("NOT_ELIGIBLE", "不符合", "not eligible")
    shown = rule.with_extra({"reasons": []})
    assert (shown.code, shown.detail, shown.status_code) == (rule.code, rule.detail, 422)
    assert shown.extra == {"reasons": []} and rule.extra is None
    conflict = Conflict("X", "Taken / 已占用").with_extra({"id": 1})
    assert isinstance(conflict, Conflict) and conflict.status_code == 409


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
