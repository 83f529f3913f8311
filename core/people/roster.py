"""Importing a social-assistance roster (CSV or XLSX, as the bureau receives it).

Columns: ``id_number,name,category,valid_from,valid_to``. Every bad row is rejected with its row
number (the spreadsheet's, header = row 1) and an error code, while the good rows import. An
entry is identified by (id_number, category, valid_from): importing it again updates its end date.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from core import audit
from core.db import offloaded, write_transaction
from core.identity import InvalidIdNumber, birth_date_of, normalize_id_number, sex_of
from core.people.records import ROSTER_CATEGORIES
from core.refusals import Refusal
from core.settings import get_settings
from core.tables import Assistance, Person

COLUMNS = ("id_number", "name", "category", "valid_from", "valid_to")
BATCH = 500
MAX_RATIO = 100
"""A part of an XLSX may expand at most this many times (real rosters: about 5 to 20)."""
RATIO_FLOOR = 1024 * 1024
"""Parts smaller than this expanded are not checked for their ratio."""
MAX_UNZIPPED_FACTOR = 50
"""All parts together may expand to at most this many times the file's size (plus the floor)."""


@dataclass(frozen=True)
class RosterRow:
    row: int
    id_number: str
    name: str
    category: str
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)


def _cell_date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-")
    return dt.date.fromisoformat(text)


def _invalid_file(detail: str) -> Refusal:
    return Refusal("INVALID_FILE", zh="无法读取该名册文件", en=detail, english_first=True)


def check_zip_sizes(data: bytes, max_unzipped: int) -> None:
    """Refuse a compressed-size bomb before parsing: the XLSX (a zip) may declare at most
    ``max_unzipped`` bytes in all, and no large part may expand more than ``MAX_RATIO`` times.
    The declared sizes are binding: Python's zip reader never inflates a part beyond its
    declared size (and then fails its CRC check)."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise _invalid_file("Not a readable XLSX file") from None
    total = sum(part.file_size for part in parts)
    if total > max_unzipped:
        raise Refusal(
            "FILE_TOO_LARGE",
            zh="表格解压后过大",
            en=f"The workbook expands to {total} bytes, over {max_unzipped}",
            kind="payload_too_large",
            english_first=True,
        )
    for part in parts:
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise Refusal(
                "FILE_TOO_LARGE",
                zh="表格压缩比异常",
                en=f"{part.filename} is compressed more than {MAX_RATIO} times",
                kind="payload_too_large",
                english_first=True,
            )


def _read_rows(data: bytes, filename: str, max_rows: int) -> Iterator[tuple[int, list[Any]]]:
    """Rows as (row number, values); more than ``max_rows`` rows is ``TOO_MANY_ROWS``."""
    for number, values in _raw_rows(data, filename):
        if number > max_rows:
            raise Refusal(
                "TOO_MANY_ROWS",
                zh=f"名册超过 {max_rows} 行，请分批导入",
                en=f"More than {max_rows} rows; split the roster",
                english_first=True,
            )
        yield number, values


def _raw_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[Any]]]:
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        from openpyxl import load_workbook

        check_zip_sizes(data, MAX_UNZIPPED_FACTOR * len(data) + RATIO_FLOOR)
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.active
            # Only the roster's columns: a sheet declaring 16,384 columns costs nothing more.
            rows = sheet.iter_rows(max_col=len(COLUMNS), values_only=True)
            for number, values in enumerate(rows, start=1):
                yield number, list(values)
        except Refusal:
            raise
        except Exception:  # openpyxl and zipfile raise many types for a damaged file
            raise _invalid_file("Not a readable XLSX file") from None
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise _invalid_file("File is neither UTF-8 nor GB18030 text") from None
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text)), start=1):
            yield number, values
    except csv.Error:
        raise _invalid_file("Not a readable CSV file") from None


def parse_roster(
    data: bytes, filename: str, on: dt.date | None = None, max_rows: int = 100_000
) -> tuple[list[RosterRow], list[dict[str, Any]]]:
    """Good rows and rejections ``{row, code}``; a wrong header rejects the whole file."""
    rows = _read_rows(data, filename, max_rows)
    header = next(rows, None)
    names = [str(h or "").strip().lower() for h in (header[1] if header else [])]
    if names[: len(COLUMNS)] != list(COLUMNS):
        raise Refusal(
            "INVALID_HEADER",
            zh=f"首行须为 {','.join(COLUMNS)}",
            en=f"First row must be {','.join(COLUMNS)}",
            english_first=True,
        )
    good: list[RosterRow] = []
    rejected: list[dict[str, Any]] = []
    for number, values in rows:
        values = list(values) + [None] * (len(COLUMNS) - len(values))
        if all(v is None or str(v).strip() == "" for v in values[: len(COLUMNS)]):
            continue
        raw_id, name, category, valid_from, valid_to = values[: len(COLUMNS)]
        try:
            id_number = normalize_id_number(str(raw_id or ""), on)
        except InvalidIdNumber:
            rejected.append({"row": number, "code": "INVALID_ID_NUMBER"})
            continue
        name = str(name or "").strip()
        if not name or len(name) > 64 or not name.isprintable():
            rejected.append({"row": number, "code": "INVALID_NAME"})
            continue
        category = str(category or "").strip().lower()
        if category not in ROSTER_CATEGORIES:
            rejected.append({"row": number, "code": "INVALID_CATEGORY"})
            continue
        try:
            start, end = _cell_date(valid_from), _cell_date(valid_to)
        except ValueError:
            rejected.append({"row": number, "code": "INVALID_DATE"})
            continue
        if start is None or (end is not None and end < start):
            rejected.append({"row": number, "code": "INVALID_PERIOD"})
            continue
        good.append(RosterRow(number, id_number, name, category, start, end))
    return good, rejected


async def import_roster(
    data: bytes, filename: str, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Import in batches; each batch and its audit event commit together, so an interrupted
    import leaves the committed batches recorded and the rest untouched."""
    from core.clock import today

    settings = get_settings()
    if len(data) > settings.roster_max_bytes:
        raise Refusal(
            "FILE_TOO_LARGE",
            zh="名册文件过大",
            en="Roster file too large",
            kind="payload_too_large",
            english_first=True,
        )
    # Parsing is pure Python over the whole file: a worker thread, so requests keep flowing.
    good, rejected = await asyncio.to_thread(
        parse_roster, data, filename, await today(), settings.roster_max_rows
    )
    if not good:
        raise Refusal(
            "NO_VALID_ROWS",
            zh="名册中没有可导入的行",
            en=f"No row could be imported ({len(rejected)} rejected)",
            extra={"rejected": rejected[:1000]},
            english_first=True,
        )
    result = ImportResult(rejected=rejected)
    batches = [good[start : start + BATCH] for start in range(0, len(good), BATCH)]
    done = 0
    for number, batch in enumerate(batches, start=1):
        with offloaded():  # thousands of rows a batch: keep the loop free
            async with write_transaction():
                imported, updated = result.imported, result.updated
                await _import_batch(batch, result)
                await _record_batch(
                    filename,
                    number,
                    len(batches),
                    result.imported - imported,
                    result.updated - updated,
                    rejected if number == 1 else [],
                )
        done += len(batch)
        if progress:
            progress(done, len(good))
    return result


async def _record_batch(
    filename: str, number: int, of: int, imported: int, updated: int, rejected: list[dict]
) -> None:
    part = f"（第 {number}/{of} 批）" if of > 1 else ""
    await audit.record(
        "core.roster.imported",
        entity="roster",
        entity_id=filename[:64],
        summary=f"导入救助名册{part}：新增 {imported}，更新 {updated}，拒绝 {len(rejected)}",
        details={
            "batch": number,
            "batches": of,
            "imported": imported,
            "updated": updated,
            "rejected": rejected[:200],
        },
    )


async def _import_batch(batch: list[RosterRow], result: ImportResult) -> None:
    ids = sorted({r.id_number for r in batch})
    known = {
        p["id_number"]
        for p in await Person.select(Person.id_number).where(Person.id_number.is_in(ids))
    }
    new_people = {}
    for r in batch:
        if r.id_number not in known and r.id_number not in new_people:
            new_people[r.id_number] = Person(
                id_number=r.id_number,
                name=r.name,
                sex=sex_of(r.id_number),
                birth_date=birth_date_of(r.id_number),
            )
    if new_people:
        await Person.insert(*new_people.values())
    existing = {
        (a["id_number"], a["category"], a["valid_from"]): a
        for a in await Assistance.select().where(Assistance.id_number.is_in(ids))
    }
    inserts = []
    for r in batch:
        key = (r.id_number, r.category, r.valid_from)
        found = existing.get(key)
        if found is None:
            inserts.append(
                Assistance(
                    id_number=r.id_number,
                    category=r.category,
                    valid_from=r.valid_from,
                    valid_to=r.valid_to,
                )
            )
            existing[key] = {"id": None, "valid_to": r.valid_to}
            result.imported += 1
        else:
            if found["valid_to"] != r.valid_to and found["id"] is not None:
                await Assistance.update({Assistance.valid_to: r.valid_to}).where(
                    Assistance.id == found["id"]
                )
            result.updated += 1
    if inserts:
        await Assistance.insert(*inserts)
