"""Issue #2 item 6: social-assistance roster import from CSV and XLSX. Each bad row is rejected
with its row number (the spreadsheet's, header = 1) and an error code while good rows import;
importing an entry again updates it; a wrong header rejects the file."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.people.roster import parse_roster
from core.refusals import Refusal
from tests.core.support import assert_error, cli_env, run_cli
from tests.factories import id_number

HEADER = "id_number,name,category,valid_from,valid_to\n"
A = id_number(dt.date(1950, 1, 1), "male", division="440704", seq=1)
B = id_number(dt.date(1962, 5, 6), "female", division="440704", seq=2)
C = id_number(dt.date(1980, 7, 8), "male", division="440703", seq=3)
WRONG_CHECK = A[:-1] + ("1" if A[-1] != "1" else "2")


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (f"{WRONG_CHECK},张三,dibao,2024-01-01,", "INVALID_ID_NUMBER"),
        ("12345,张三,dibao,2024-01-01,", "INVALID_ID_NUMBER"),
        (f"{A},,dibao,2024-01-01,", "INVALID_NAME"),
        (f"{A},{'长' * 65},dibao,2024-01-01,", "INVALID_NAME"),
        (f"{A},张三,wubao,2024-01-01,", "INVALID_CATEGORY"),
        (f"{A},张三,,2024-01-01,", "INVALID_CATEGORY"),
        (f"{A},张三,dibao,2024-13-01,", "INVALID_DATE"),
        (f"{A},张三,dibao,yesterday,", "INVALID_DATE"),
        (f"{A},张三,dibao,2024-01-01,2024-02-30", "INVALID_DATE"),
        (f"{A},张三,dibao,,", "INVALID_PERIOD"),
        (f"{A},张三,dibao,2024-05-01,2024-04-30", "INVALID_PERIOD"),
        (f"{A},张\x00三,dibao,2024-01-01,", "INVALID_NAME"),
    ],
)
def test_bad_rows_are_rejected_with_row_number_and_code(line, code):
    text = HEADER + f"{B},李四,tekun,2023-01-01,2025-12-31\n" + line + "\n"
    good, rejected = parse_roster(text.encode(), "roster.csv")
    assert rejected == [{"row": 3, "code": code}]
    assert [(r.row, r.id_number, r.category) for r in good] == [(2, B, "tekun")]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (f"{A.lower()},张三,DIBAO,2024/01/05,", (A, "dibao", dt.date(2024, 1, 5), None)),
        (f" {A} , 张三 ,youfu,2024-01-05,2026-01-04",
         (A, "youfu", dt.date(2024, 1, 5), dt.date(2026, 1, 4))),
        (f"{A},张三,low_income,20240105,", (A, "low_income", dt.date(2024, 1, 5), None)),
    ],
)  # fmt: skip
def test_good_rows_are_normalised(row, expected):
    [good], rejected = parse_roster((HEADER + row).encode(), "r.csv")
    assert rejected == []
    assert (good.id_number, good.category, good.valid_from, good.valid_to) == expected


@pytest.mark.parametrize(
    "header",
    [
        "",
        "name,id_number,category,valid_from,valid_to\n",
        "id,name,category,from,to\n",
        "身份证号,姓名,类别,开始,结束\n",
    ],
)
def test_a_wrong_header_rejects_the_file(header):
    with pytest.raises(Refusal) as caught:
        parse_roster((header + f"{A},张三,dibao,2024-01-01,\n").encode(), "r.csv")
    assert caught.value.code == "INVALID_HEADER"


def test_blank_rows_bom_gb18030_and_extra_columns():
    text = "\ufeff" + HEADER.strip() + ",note\n\n" + f"{A},张三,dibao,2024-01-01,,备注\n,,,,\n"
    good, rejected = parse_roster(text.encode("utf-8"), "r.csv")
    assert [(g.row, g.name) for g in good] == [(3, "张三")] and rejected == []
    good, rejected = parse_roster(
        (HEADER + f"{B},䶮丽,tekun,2024-01-01,\n").encode("gb18030"), "r.csv"
    )
    assert [g.name for g in good] == ["䶮丽"] and rejected == []


def test_unreadable_files_are_refused():
    for data, name in ((b"PK\x03\x04broken zip", "r.xlsx"), (b"\xff\xfe\xfd\x81\x30", "r.csv")):
        with pytest.raises(Refusal) as caught:
            parse_roster(data, name)
        assert caught.value.code in ("INVALID_FILE", "INVALID_HEADER")


@given(
    rows=st.lists(
        st.tuples(st.booleans(), st.sampled_from(["dibao", "tekun", "low_income", "youfu"])),
        min_size=1,
        max_size=25,
    )
)
def test_every_row_is_either_imported_or_rejected(rows):
    lines, bad_rows = [], []
    for number, (good, category) in enumerate(rows, start=2):
        person = id_number(dt.date(1970, 1, 1), seq=number)
        lines.append(f"{person if good else person[:-1]},某人,{category},2024-01-01,")
        if not good:
            bad_rows.append(number)
    good, rejected = parse_roster((HEADER + "\n".join(lines)).encode(), "r.csv")
    assert [r["row"] for r in rejected] == bad_rows
    assert len(good) + len(rejected) == len(rows)


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id_number", "name", "category", "valid_from", "valid_to"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _upload(client, headers, data: bytes, name: str):
    return await client.post(
        "/api/v1/rosters/import", files={"file": (name, data)}, headers=headers
    )


@pytest.mark.db
async def test_csv_import_over_http_then_reimport_updates(client, admin, staff):
    text = HEADER + "\n".join(
        [
            f"{A},张三,dibao,2024-01-01,",
            f"{WRONG_CHECK},坏号,dibao,2024-01-01,",
            f"{B},李四,tekun,2023-01-01,2025-12-31",
            f"{C},王五,martian,2024-01-01,",
            f"{C},王五,low_income,2024-01-01,2024-12-31",
        ]
    )
    r = await _upload(client, admin, text.encode(), "2024年名册.csv")
    assert r.status_code in (200, 201), r.text
    assert r.json() == {
        "imported": 3,
        "updated": 0,
        "rejected": [
            {"row": 3, "code": "INVALID_ID_NUMBER"},
            {"row": 5, "code": "INVALID_CATEGORY"},
        ],
    }
    clerk = await staff("clerk", office_code="JH01")
    person = (await client.get(f"/api/v1/people/{B}", headers=clerk)).json()
    assert (person["name"], person["sex"], person["birth_date"]) == ("李四", "female", "1962-05-06")
    assert person["assistance"] == [
        {"category": "tekun", "valid_from": "2023-01-01", "valid_to": "2025-12-31"}
    ]

    again = HEADER + f"{B},李四,tekun,2023-01-01,2026-06-30\n{A},张三,dibao,2024-01-01,\n"
    r = await _upload(client, admin, again.encode("gb18030"), "again.csv")
    assert r.json() == {"imported": 0, "updated": 2, "rejected": []}
    person = (await client.get(f"/api/v1/people/{B}", headers=clerk)).json()
    assert person["assistance"][0]["valid_to"] == "2026-06-30"


@pytest.mark.db
async def test_xlsx_import_with_date_cells(client, admin, staff):
    data = _xlsx(
        [
            [A, "张三", "dibao", dt.datetime(2024, 3, 1), None],
            [B, "李四", "youfu", "2024-03-01", dt.date(2026, 2, 28)],
            [WRONG_CHECK, "坏号", "dibao", dt.date(2024, 3, 1), None],
            [None, None, None, None, None],
            [C, "王五", "tekun", "三月一日", None],
        ]
    )
    r = await _upload(client, admin, data, "roster.xlsx")
    assert r.status_code in (200, 201), r.text
    assert r.json() == {
        "imported": 2,
        "updated": 0,
        "rejected": [{"row": 4, "code": "INVALID_ID_NUMBER"}, {"row": 6, "code": "INVALID_DATE"}],
    }
    clerk = await staff("clerk", office_code="JH01")
    person = (await client.get(f"/api/v1/people/{B}", headers=clerk)).json()
    assert person["assistance"] == [
        {"category": "youfu", "valid_from": "2024-03-01", "valid_to": "2026-02-28"}
    ]


@pytest.mark.db
async def test_file_level_refusals_and_audit(client, admin):
    from core.tables import Assistance, AuditEvent

    r = await _upload(client, admin, b"who,what\n1,2\n", "r.csv")
    assert_error(r, 422, "INVALID_HEADER")
    r = await _upload(client, admin, b"PK\x03\x04 not really a workbook", "r.xlsx")
    assert_error(r, 422, "INVALID_FILE")
    r = await client.post("/api/v1/rosters/import", json={"file": "x"}, headers=admin)
    assert r.status_code in (400, 415)
    assert await Assistance.count() == 0
    await _upload(client, admin, (HEADER + f"{A},张三,dibao,2024-01-01,\n").encode(), "r.csv")
    events = await AuditEvent.select().where(AuditEvent.action == "core.roster.imported")
    assert len(events) == 1 and "新增 1" in events[0]["summary"]


@pytest.mark.db
async def test_cli_roster_import_prints_counts(db, database_url, tmp_path: Path):
    from core.tables import Assistance

    path = tmp_path / "名册.xlsx"
    path.write_bytes(
        _xlsx([[A, "张三", "dibao", "2024-01-01", None], ["bad", "x", "dibao", "2024-01-01", None]])
    )
    result = await asyncio.to_thread(run_cli, cli_env(database_url), "roster", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "imported 1, updated 0, rejected 1" in result.stdout
    assert "row 3: INVALID_ID_NUMBER" in result.stdout
    assert await Assistance.count() == 1
