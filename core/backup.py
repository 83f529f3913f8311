"""Consistent backup and restore of the whole database.

SQLite: the online backup API (a consistent snapshot while the app keeps running); restoring
copies every page over the database file, which then holds exactly the backed-up schema.
PostgreSQL: ``pg_dump --format=custom``; restoring empties the schema first (``DROP SCHEMA public
CASCADE``, so tables created after the backup do not survive it) and ``pg_restore``s into it.
Stop the application while restoring. Backup files are created private to this user (0600).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from pathlib import Path

from core import audit
from core.refusals import Refusal


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
        raise Refusal(
            "TOOL_MISSING", en=f"{tool} is not installed (apt-get install postgresql-client)"
        )
    return found


async def _run(*command: str) -> None:
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        raise Refusal("BACKUP_FAILED", en=err.decode(errors="replace")[-2000:])


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (nobody else may read a copy of the database)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


async def backup(database_url: str, target: Path) -> None:
    private_file(target)
    if database_url.startswith("sqlite"):
        await asyncio.to_thread(_copy_sqlite, _sqlite_path(database_url), target)
    else:
        await _run(_require("pg_dump"), "--format=custom", "--file", str(target), database_url)
    target.chmod(0o600)


async def _empty_schema(database_url: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


async def restore(database_url: str, source: Path) -> None:
    if not source.is_file():
        raise Refusal("NOT_FOUND", en=f"no backup at {source}", kind="not_found")
    if database_url.startswith("sqlite"):
        await asyncio.to_thread(_copy_sqlite, source, _sqlite_path(database_url))
    else:
        tool = _require("pg_restore")
        await _run(tool, "--list", str(source))  # a readable dump, before anything is dropped
        await _empty_schema(database_url)
        await _run(tool, "--no-owner", "--dbname", database_url, str(source))
    await audit.record(
        "core.backup.restored", entity="database", summary=f"从备份恢复 {source.name}"
    )
