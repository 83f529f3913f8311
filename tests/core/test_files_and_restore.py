"""Issue 12 item 9: database, backups, keys and anchors are private files (0600) in a private
data directory (0700); a restore leaves exactly the backed-up schema, on both engines."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.core.support import cli_env, run_cli

pytestmark = pytest.mark.db


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def _cli(env: dict, *args: str, stdin: str | None = None):
    return await asyncio.to_thread(run_cli, env, *args, stdin=stdin)


async def _sql(url: str, query: str) -> list[tuple]:
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            with connection:
                return list(connection.execute(query))
        finally:
            connection.close()
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await connection.fetch(query)]
    finally:
        await connection.close()


async def _tables(url: str) -> set[str]:
    if url.startswith("sqlite"):
        rows = await _sql(url, "SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = await _sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {name for (name,) in rows}


async def test_restore_leaves_exactly_the_backed_up_schema(empty_database_url, tmp_path):
    env = cli_env(empty_database_url)
    r = await _cli(
        env, "createuser", "before-backup", "--role", "reviewer", "--password-stdin",
        stdin="pass-phrase-1\n",
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    before = await _tables(empty_database_url)
    target = tmp_path / "backups" / "minzheng.backup"
    r = await _cli(env, "backup", str(target))
    assert r.returncode == 0, r.stdout + r.stderr
    assert _mode(target) == 0o600

    await _sql(empty_database_url, "CREATE TABLE stray_after_backup (id INTEGER)")
    await _sql(empty_database_url, "INSERT INTO stray_after_backup VALUES (1)")
    assert "stray_after_backup" in await _tables(empty_database_url)

    r = await _cli(env, "restore", str(target))
    assert r.returncode == 0, r.stdout + r.stderr
    assert await _tables(empty_database_url) == before
    users = await _sql(empty_database_url, "SELECT username FROM account")
    assert users == [("before-backup",)]
    verify = await _cli(env, "audit", "verify")
    assert verify.returncode == 0, verify.stdout  # the restore itself is appended to the chain


async def test_a_new_installation_keeps_its_files_private(tmp_path):
    data = tmp_path / "var"
    env = cli_env(f"sqlite:///{data / 'minzheng.db'}", str(data))
    env.pop("MINZHENG_AUDIT_KEY")  # generated into the data directory, as in production
    r = await _cli(env, "migrate")
    assert r.returncode == 0, r.stdout + r.stderr
    r = await _cli(env, "audit", "anchor", str(data / "audit-anchors.log"))
    assert r.returncode == 0, r.stdout + r.stderr
    r = await _cli(env, "backup", str(data / "backups" / "nightly.db"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert _mode(data) == 0o700
    for name in ("minzheng.db", "secret.key", "audit.key", "audit-anchors.log"):
        assert _mode(data / name) == 0o600, name
    assert _mode(data / "backups") == 0o700
    assert _mode(data / "backups" / "nightly.db") == 0o600
    for sidecar in ("minzheng.db-wal", "minzheng.db-shm"):
        if (data / sidecar).exists():
            assert _mode(data / sidecar) & 0o077 == 0, sidecar


async def test_an_existing_world_readable_database_is_tightened(tmp_path):
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    database = data / "minzheng.db"
    sqlite3.connect(database).close()
    database.chmod(0o644)
    env = cli_env(f"sqlite:///{database}", str(data))
    r = await _cli(env, "migrate")
    assert r.returncode == 0, r.stdout + r.stderr
    assert _mode(data) == 0o700 and _mode(database) == 0o600
