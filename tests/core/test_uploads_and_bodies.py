"""Issue 12 item 6: bounded uploads and bodies. A roster import streams, refuses compressed-size
bombs and too many rows with a code, never answers 500 (no valid row → 422 with the rejections,
in the CLI too); JSON bodies are capped and their nesting bounded (400); odd static paths 404."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import pytest

from core.people.roster import check_zip_sizes, parse_roster
from core.refusals import Refusal
from tests.core.support import assert_error, cli_env, run_cli
from tests.factories import id_number

HEADER = "id_number,name,category,valid_from,valid_to\n"
A = id_number(dt.date(1950, 1, 1), "male", division="440704", seq=1)


def _xlsx(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["id_number", "name", "category", "valid_from", "valid_to"])
    for n in range(rows):
        sheet.append([id_number(dt.date(1950, 1, 1), seq=n % 499), "某", "dibao", "2024-01-01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bomb(expanded: int) -> bytes:
    """A real workbook whose sheet carries ``expanded`` bytes of blank padding (deflates ~1000×)."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx(1)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * expanded)
            bomb.writestr(item.filename, data)
    return out.getvalue()


def test_a_compressed_size_bomb_is_refused_before_parsing():
    bomb = _bomb(50 * 1024 * 1024)
    assert len(bomb) < 200 * 1024
    started = time.monotonic()
    with pytest.raises(Refusal) as caught:
        parse_roster(bomb, "bomb.xlsx")
    assert caught.value.code == "FILE_TOO_LARGE" and caught.value.status_code == 413
    assert time.monotonic() - started < 2
    check_zip_sizes(_xlsx(200), 10 * 1024 * 1024)  # an honest workbook passes


def test_rows_beyond_the_limit_stop_the_parse_with_a_code():
    with pytest.raises(Refusal) as caught:
        parse_roster(_xlsx(300), "big.xlsx", max_rows=100)
    assert caught.value.code == "TOO_MANY_ROWS"
    csv_text = HEADER + f"{A},张三,dibao,2024-01-01,\n" * 300
    with pytest.raises(Refusal):
        parse_roster(csv_text.encode(), "big.csv", max_rows=100)
    good, _ = parse_roster(_xlsx(99), "ok.xlsx", max_rows=100)
    assert len(good) == 99


async def _upload(client, headers, data: bytes, name: str):
    return await client.post(
        "/api/v1/rosters/import", files={"file": (name, data)}, headers=headers
    )


@pytest.mark.db
async def test_roster_uploads_never_answer_500(client, admin, env_var):
    from core.tables import Assistance

    r = await _upload(client, admin, HEADER.encode(), "empty.csv")
    assert_error(r, 422, "NO_VALID_ROWS")
    r = await _upload(client, admin, (HEADER + "bad,x,dibao,2024-01-01,\n").encode(), "r.csv")
    body = assert_error(r, 422, "NO_VALID_ROWS")
    assert body["extra"]["rejected"] == [{"row": 2, "code": "INVALID_ID_NUMBER"}]
    r = await _upload(client, admin, _bomb(50 * 1024 * 1024), "bomb.xlsx")
    assert_error(r, 413, "FILE_TOO_LARGE")
    r = await _upload(client, admin, b"PK\x03\x04" + b"\x00" * 100, "x.xlsx")
    assert_error(r, 422, "INVALID_FILE")
    r = await _upload(client, admin, b'id_number,name\n"unterminated\x00', "r.csv")
    assert r.status_code in (413, 422)
    env_var("MINZHENG_ROSTER_MAX_ROWS", "50")
    assert_error(await _upload(client, admin, _xlsx(80), "r.xlsx"), 422, "TOO_MANY_ROWS")
    env_var("MINZHENG_ROSTER_MAX_BYTES", "1000")
    r = await _upload(client, admin, b"x" * 200_000, "big.csv")
    assert_error(r, 413, "FILE_TOO_LARGE")
    assert await Assistance.count() == 0


@pytest.mark.db
async def test_requests_keep_flowing_while_a_roster_parses(client, admin):
    """The parse runs in a worker thread: a small request answers while it goes on."""
    upload = asyncio.create_task(_upload(client, admin, _xlsx(8_000), "r.xlsx"))
    await asyncio.sleep(0.2)
    r = await client.get("/api/v1/marriage/offices")
    assert r.status_code == 200
    assert not upload.done()  # answered while the roster was still being read
    result = await upload
    assert result.status_code == 201, result.text


@pytest.mark.db
async def test_cli_refuses_a_roster_without_valid_rows(db, database_url, tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "bad,x,dibao,2024-01-01,\n")
    result = await asyncio.to_thread(run_cli, cli_env(database_url), "roster", "import", str(path))
    assert result.returncode == 2, result.stderr
    assert "NO_VALID_ROWS" in result.stdout and "row 2: INVALID_ID_NUMBER" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.db
@pytest.mark.parametrize("depth", [33, 1000, 100_000])
async def test_deep_json_is_400(client, depth):
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        r = await client.post(
            "/api/v1/auth/token", content=body, headers={"content-type": "application/json"}
        )
        assert_error(r, 400, "BAD_REQUEST")


@pytest.mark.db
async def test_json_bodies_are_capped_well_below_uploads(client, admin):
    big = b'{"username": "' + b"a" * (2 * 1024 * 1024) + b'", "password": "x"}'
    r = await client.post(
        "/api/v1/auth/token", content=big, headers={"content-type": "application/json"}
    )
    assert_error(r, 413, "PAYLOAD_TOO_LARGE")
    ok = {"username": "nobody", "password": "x" * 100}
    assert_error(await client.post("/api/v1/auth/token", json=ok), 401)
    # A roster file larger than any JSON body is still accepted on its own route.
    rows = "".join(
        f"{id_number(dt.date(1950, 1, 1), seq=n % 499)},张三,dibao,2024-01-01,\n"
        for n in range(25_000)
    )
    r = await _upload(client, admin, (HEADER + rows).encode(), "r.csv")
    assert r.status_code == 201, r.text


@pytest.mark.db
@pytest.mark.parametrize(
    "path",
    [
        "/static/%00",
        "/static/a%00b.css",
        "/static/%0a",
        "/static/../pyproject.toml",
        "/static/%2e%2e/core/app.py",
        "/static/..%2fpyproject.toml",
        "/static/",
    ],
)
async def test_odd_static_paths_are_404(client, path):
    r = await client.get(path)
    assert r.status_code == 404, (path, r.status_code)
