"""Schema migrations of core and every installed plugin (idempotent)."""

from __future__ import annotations

import contextlib
import io
import os

from core import db


async def migrate(database_url: str, *, quiet: bool = True) -> None:
    os.environ.setdefault("PICCOLO_CONF", "core.piccolo_conf")
    db.use_database(database_url)
    from piccolo.apps.migrations.commands.forwards import run_forwards

    sink = io.StringIO()
    with contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
        result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}\n{sink.getvalue()}")
    if db.is_sqlite():
        # Stored in the file: concurrent readers never wait for the writer.
        await db.fetch("PRAGMA journal_mode=WAL")
