"""Consistent backup and restore of the whole database.

SQLite: the online backup API (a consistent snapshot while the app keeps running).
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean``.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

from core import audit
from core.errors import DomainError


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _copy_sqlite(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise DomainError(
            "TOOL_MISSING", f"{tool} is not installed (apt-get install postgresql-client)"
        )
    return found


async def _run(*command: str) -> None:
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        raise DomainError("BACKUP_FAILED", err.decode(errors="replace")[-2000:])


async def backup(database_url: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if database_url.startswith("sqlite"):
        if target.exists():
            target.unlink()
        await asyncio.to_thread(_copy_sqlite, _sqlite_path(database_url), target)
    else:
        await _run(_require("pg_dump"), "--format=custom", "--file", str(target), database_url)


async def restore(database_url: str, source: Path) -> None:
    if not source.is_file():
        raise DomainError("NOT_FOUND", f"no backup at {source}", status_code=404)
    if database_url.startswith("sqlite"):
        await asyncio.to_thread(_copy_sqlite, source, _sqlite_path(database_url))
    else:
        await _run(
            _require("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--dbname",
            database_url,
            str(source),
        )
    await audit.record(
        "core.backup.restored", entity="database", summary=f"从备份恢复 {source.name}"
    )
