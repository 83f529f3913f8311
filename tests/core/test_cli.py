"""Issue #2 item 11 and API.md "CLI": ``createuser --password-stdin``, ``plugins list|enable|
disable``, ``backup``/``restore`` round trips on SQLite and PostgreSQL, plugin sub-commands.
Each command runs as a real ``python -m core.cli`` process."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from tests.core.support import cli_env, run_cli

pytestmark = pytest.mark.db


async def _cli(env: dict, *args: str, stdin: str | None = None):
    return await asyncio.to_thread(run_cli, env, *args, stdin=stdin)


async def test_createuser_reads_the_password_from_stdin(client, database_url, db, staff):
    from core.tables import Account

    env = cli_env(database_url)
    unknown = await _cli(env, "createuser", "window-li", "--role", "clerk", "--office", "JH02",
                         "--password-stdin", stdin="a long pass phrase\n")  # fmt: skip
    assert unknown.returncode == 2 and "JH02" in unknown.stdout and "无此办公点" in unknown.stdout
    assert "Traceback" not in unknown.stderr and await Account.count() == 0
    office = {"code": "JH02", "name": "江海区第二婚姻登记处", "division_code": "440704"}
    admin = await staff("admin")
    assert (await client.post("/api/v1/marriage/offices", json=office, headers=admin)).is_success
    r = await _cli(env, "createuser", "window-li", "--role", "clerk", "--office", "JH02",
                   "--password-stdin", stdin="a long pass phrase\n")  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    row = await Account.select().where(Account.username == "window-li").first()
    assert (row["roles"], row["office_code"], row["kind"]) == (["clerk"], "JH02", "staff")
    # The production Argon2id parameters (RFC 9106 low-memory profile), never the plain text.
    assert row["password_hash"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    token = await client.post(
        "/api/v1/auth/token", json={"username": "window-li", "password": "a long pass phrase"}
    )
    assert token.status_code == 200

    again = await _cli(
        env, "createuser", "window-li", "--role", "admin", "--password-stdin", stdin="pass-2-pass"
    )
    assert again.returncode == 2 and "USERNAME_TAKEN" in again.stdout


async def test_plugins_list_enable_disable(client, admin, database_url):
    from core.tables import AuditEvent

    env = cli_env(database_url)
    disabled = await _cli(env, "plugins", "disable", "funeral")
    assert disabled.returncode == 0, disabled.stdout + disabled.stderr
    lines = [line.split() for line in disabled.stdout.splitlines() if line.strip()]
    assert [line[0] for line in lines] == ["marriage", "funeral", "disability", "social_orgs"]
    assert {line[0]: line[2] for line in lines}["funeral"] == "disabled"
    api = (await client.get("/api/v1/admin/plugins", headers=admin)).json()
    assert {p["name"]: p["enabled"] for p in api}["funeral"] is False
    assert await AuditEvent.count().where(AuditEvent.action == "core.plugin.disabled") == 1

    enabled = await _cli(env, "plugins", "enable", "funeral")
    assert enabled.returncode == 0
    api = (await client.get("/api/v1/admin/plugins", headers=admin)).json()
    assert all(p["enabled"] for p in api)


async def test_hook_cli_commands_become_sub_commands(database_url, db):
    env = cli_env(database_url, probe=True)
    r = await _cli(env, "probe", "你好")
    assert r.returncode == 0, r.stderr
    assert "probe says 你好" in r.stdout


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


async def test_roster_import_of_a_missing_file_says_so(database_url, db, tmp_path: Path):
    r = await _cli(cli_env(database_url), "roster", "import", str(tmp_path / "missing.csv"))
    assert r.returncode == 2 and "找不到文件" in r.stdout and "Traceback" not in r.stderr


async def test_hook_office_codes_bind_clerks_to_real_offices(client, db, staff):
    from core.plugins import get_host

    admin = await staff("admin")
    office = {"code": "JH07", "name": "江海区婚姻登记处", "division_code": "440704"}
    await client.post("/api/v1/marriage/offices", json=office, headers=admin)
    assert await get_host().office_codes() == {"JH07"}


async def test_backup_and_restore_round_trip(empty_database_url, tmp_path: Path):
    from core.backup import restore
    from core.refusals import Refusal

    env = cli_env(empty_database_url)
    r = await _cli(
        env, "createuser", "before-backup", "--role", "reviewer", "--password-stdin",
        stdin="pass-phrase-1\n",
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    target = tmp_path / "nested" / "minzheng.backup"
    r = await _cli(env, "backup", str(target))
    assert r.returncode == 0, r.stdout + r.stderr
    assert target.is_file() and target.stat().st_size > 0
    await _sql(
        empty_database_url,
        "INSERT INTO account (username, password_hash, kind, roles, display_name, phone, active,"
        " created_at) SELECT 'after-backup', password_hash, kind, roles, '', '', active,"
        " created_at FROM account",
    )
    users = "SELECT username FROM account ORDER BY username"
    assert await _sql(empty_database_url, users) == [("after-backup",), ("before-backup",)]

    r = await _cli(env, "restore", str(target))
    assert r.returncode == 0, r.stdout + r.stderr
    assert await _sql(empty_database_url, users) == [("before-backup",)]
    verify = await _cli(env, "audit", "verify")
    assert verify.returncode == 0, verify.stdout  # the restore itself is appended to the chain

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database\n")
    for path in (not_a_backup, tmp_path / "no-such.backup"):
        refused = await _cli(env, "restore", str(path))
        assert refused.returncode == 2 and "not restored" in refused.stdout, refused.stderr
        assert "Traceback" not in refused.stderr
    assert await _sql(empty_database_url, users) == [("before-backup",)]  # untouched

    with pytest.raises(Refusal) as missing:
        await restore(empty_database_url, tmp_path / "no-such.backup")
    assert missing.value.code == "NOT_FOUND"


def test_public_url_follows_the_served_port(tmp_path: Path):
    """Issue 14: ``PORT=8765 ./run demo`` printed and encoded in QR codes the URL of port 8000."""
    from core.settings import load_settings

    base = {"MINZHENG_DATA_DIR": str(tmp_path)}
    assert load_settings(base).public_url == "http://127.0.0.1:8000"
    assert load_settings({**base, "PORT": "8765"}).public_url == "http://127.0.0.1:8765"
    explicit = {**base, "PORT": "8765", "MINZHENG_PUBLIC_URL": "https://mz.example.cn/"}
    assert load_settings(explicit).public_url == "https://mz.example.cn"
    run = (Path(__file__).resolve().parents[2] / "run").read_text()
    assert 'export PORT="${PORT:-8000}"' in run.split('minzheng" demo')[0]
