"""Unified social credit code of a social organization (统一社会信用代码, GB 32100-2015).

Position 1 is the registration authority (``5`` = civil affairs), position 2 the kind of entity
it registered; length, alphabet and the check character are validated by ``stdnum.cn.uscc``.
"""

from __future__ import annotations

from typing import Literal

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as stdnum_uscc

from core.refusals import Refusal

OrgKind = Literal["social_group", "social_service", "foundation"]

KIND_LABELS: dict[OrgKind, str] = {
    "social_group": "社会团体",
    "social_service": "社会服务机构",
    "foundation": "基金会",
}

CIVIL_AFFAIRS_AUTHORITY = "5"
KIND_DIGITS: dict[OrgKind, str] = {"social_group": "1", "social_service": "2", "foundation": "3"}
_KIND_BY_DIGIT: dict[str, OrgKind] = {digit: kind for kind, digit in KIND_DIGITS.items()}

_FORMAT_DETAILS: dict[type[stdnum_errors.ValidationError], tuple[str, str]] = {
    stdnum_errors.InvalidLength: ("统一社会信用代码应为18位", "the code must have 18 characters"),
    stdnum_errors.InvalidFormat: (
        "统一社会信用代码含有不允许的字符",
        "the code has characters outside its alphabet",
    ),
    stdnum_errors.InvalidChecksum: (
        "统一社会信用代码校验位错误",
        "the check character does not match",
    ),
}


def _invalid(zh: str, en: str) -> Refusal:
    return Refusal("INVALID_USCC", zh, en)


def normalize_uscc(value: object, kind: OrgKind | None = None) -> str:
    """The canonical code (upper case, spaces and hyphens removed), or ``INVALID_USCC``.

    The code must be issued by civil affairs; its kind digit must match ``kind`` when given
    (registration), or be one of the three kinds otherwise (looking an organization up).
    """
    if not isinstance(value, str):
        raise _invalid("统一社会信用代码必须是文本", "the code must be text")
    try:
        code = stdnum_uscc.validate(value)
    except stdnum_errors.ValidationError as exc:
        zh, en = _FORMAT_DETAILS.get(type(exc), ("统一社会信用代码无效", "invalid code"))
        raise _invalid(zh, en) from exc
    if code[0] != CIVIL_AFFAIRS_AUTHORITY:
        raise _invalid(
            f"登记管理部门代码应为5（民政），实为{code[0]}",
            f"first character must be 5 (civil affairs), got {code[0]}",
        )
    found = _KIND_BY_DIGIT.get(code[1])
    if kind is None and found is None:
        raise _invalid(
            f"机构类别代码应为1、2或3，实为{code[1]}",
            f"second character must be 1, 2 or 3, got {code[1]}",
        )
    if kind is not None and found != kind:
        raise _invalid(
            f"机构类别代码{code[1]}与登记类型“{KIND_LABELS[kind]}”（应为{KIND_DIGITS[kind]}）不符",
            f"second character {code[1]} does not match kind {kind} (expected {KIND_DIGITS[kind]})",
        )
    return code


def uscc_named_by(value: object) -> str | None:
    """The canonical code a URL or search names, or None when it names no organization."""
    try:
        return normalize_uscc(value)
    except Refusal:
        return None
