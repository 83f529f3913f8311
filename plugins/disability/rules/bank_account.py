"""The bank account the subsidy is paid into (发放账户): digits only.

Bank cards in China carry 16–19 digits, passbook and social-security card accounts up to about
25; people write them in groups separated by spaces or hyphens. Anything but digits (a formula
such as ``=1+1``, letters, punctuation) is refused on entry, so the bank file never carries it.
"""

from __future__ import annotations

import re

from core.refusals import Refusal

MIN_DIGITS, MAX_DIGITS = 10, 30
_SEPARATORS = re.compile(r"[ \-\u3000]")


def normalize_bank_account(raw: str) -> str:
    """The account as digits only (``""`` when none is given), or ``INVALID_BANK_ACCOUNT``."""
    text = _SEPARATORS.sub("", (raw or "").strip())
    if not text:
        return ""
    if not (text.isascii() and text.isdigit() and MIN_DIGITS <= len(text) <= MAX_DIGITS):
        raise Refusal(
            "INVALID_BANK_ACCOUNT",
            f"银行账号应为 {MIN_DIGITS}–{MAX_DIGITS} 位数字",
            f"the bank account must be {MIN_DIGITS} to {MAX_DIGITS} digits",
        )
    return text
