"""Issue #15 item 2: one refusal vocabulary.

A rule's ``Refusal`` and a service's ``DomainError`` reach the client through one handler, as the
contract's body ``{status_code, code, detail[, extra]}`` with the bytes clients always got.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import Conflict, DomainError, NotFound
from core.refusals import Refusal, split_bilingual


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
