"""Issue #2 item 2: ``minzheng migrate`` is idempotent, and a freshly migrated database matches
the tables' definitions: every table and column of every app's ``table_classes`` exists with a
compatible type and nullability, and there are no tables nobody defines. On both engines."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from tests.core.support import cli_env, run_cli

pytestmark = pytest.mark.slow

# Piccolo column class → (SQLite declared type, PostgreSQL data_type); ``{n}`` is the length.
TYPES = {
    "Varchar": ("VARCHAR({n})", "character varying"),
    "Email": ("VARCHAR({n})", "character varying"),
    "Text": ("TEXT", "text"),
    "Integer": ("INTEGER", "integer"),
    "SmallInt": ("INTEGER", "smallint"),
    "BigInt": ("INTEGER", "bigint"),
    "Serial": ("INTEGER", "integer"),
    "ForeignKey": ("INTEGER", "integer"),
    "Boolean": ("BOOLEAN", "boolean"),
    "Date": ("DATE", "date"),
    "Time": ("TIME", "time without time zone"),
    "Timestamp": ("TIMESTAMP", "timestamp without time zone"),
    "Timestamptz": ("TIMESTAMPTZ", "timestamp with time zone"),
    "JSON": ("JSON", "json"),
    "JSONB": ("JSONB", "jsonb"),
    "Array": ("ARRAY", "ARRAY"),
    "Numeric": ("NUMERIC", "numeric"),
    "Decimal": ("NUMERIC", "numeric"),
    "Real": ("REAL", "real"),
    "DoublePrecision": ("DOUBLE PRECISION", "double precision"),
    "UUID": ("UUID", "uuid"),
}


def _expected() -> dict[str, dict[str, tuple[str, str, bool, int | None]]]:
    from core.db import app_tables

    tables = {}
    for table in app_tables():
        columns = {}
        for column in table._meta.columns:
            kind = type(column).__name__
            assert kind in TYPES, f"{table.__name__}.{column._meta.name}: add {kind} to TYPES"
            length = getattr(column, "length", None)
            sqlite_type, pg_type = TYPES[kind]
            nullable = bool(column._meta.null) and not column._meta.primary_key
            columns[column._meta.db_column_name] = (
                sqlite_type.format(n=length),
                pg_type,
                nullable,
                length if kind in ("Varchar", "Email") else None,
            )
        tables[table._meta.tablename] = columns
    return tables


def _sqlite_schema(path: str) -> dict[str, dict[str, tuple[str, bool]]]:
    connection = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: {
                col[1]: (col[2].upper(), not col[3] and not col[5])
                for col in connection.execute(f"PRAGMA table_info({name})")
            }
            for name in names
        }
    finally:
        connection.close()


async def _pg_schema(url: str) -> dict[str, dict[str, tuple[str, bool, int | None]]]:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT table_name, column_name, data_type, is_nullable, character_maximum_length "
            "FROM information_schema.columns WHERE table_schema = 'public'"
        )
    finally:
        await connection.close()
    out: dict[str, dict] = {}
    for row in rows:
        out.setdefault(row["table_name"], {})[row["column_name"]] = (
            row["data_type"],
            row["is_nullable"] == "YES",
            row["character_maximum_length"],
        )
    return out


async def _migrate_twice(url: str) -> None:
    env = cli_env(url)
    for _ in range(2):
        result = await asyncio.to_thread(run_cli, env, "migrate")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "up to date" in result.stdout


async def test_hook_piccolo_apps_migrate_idempotently_to_the_defined_schema(
    empty_database_url, engine_name
):
    from core.plugins import get_host

    apps = get_host().piccolo_apps()
    assert apps[0] == "core.piccolo_app"
    plugins = ("marriage", "funeral", "disability", "social_orgs")
    assert {f"plugins.{p}.piccolo_app" for p in plugins} <= set(apps)

    await _migrate_twice(empty_database_url)
    expected = _expected()
    if engine_name == "sqlite":
        actual = _sqlite_schema(empty_database_url.removeprefix("sqlite:///"))
    else:
        actual = await _pg_schema(empty_database_url)
    from core.grams import SIDE_TABLES
    from core.row_counts import SIDE_TABLES as COUNTERS

    grams = {t for t in SIDE_TABLES if t != "gram_position" or engine_name == "sqlite"}
    assert grams <= set(actual), "the name-search side tables are missing"
    assert set(actual) >= COUNTERS, "the row counters are missing"
    side = SIDE_TABLES | COUNTERS
    actual = {name: columns for name, columns in actual.items() if name not in side}
    assert set(actual) - {"migration"} == set(expected), "tables differ from the definitions"
    problems = []
    for table, columns in expected.items():
        if set(actual[table]) != set(columns):
            problems.append(f"{table}: columns {sorted(actual[table])} ≠ {sorted(columns)}")
            continue
        for name, (sqlite_type, pg_type, nullable, length) in columns.items():
            if engine_name == "sqlite":
                found_type, found_null = actual[table][name]
                wanted = (sqlite_type, nullable)
                found = (found_type, found_null)
            else:
                found_type, found_null, found_length = actual[table][name]
                wanted = (pg_type, nullable, length)
                found = (found_type, found_null, found_length)
            if wanted != found:
                problems.append(f"{table}.{name}: migrated {found}, defined {wanted}")
    assert not problems, "\n".join(problems)
    runs, heads = await _count(empty_database_url, engine_name)
    assert runs == _migration_files(apps), "a migration ran twice or not at all"
    assert heads == 1


def _migration_files(apps: list[str]) -> int:
    import importlib

    total = 0
    for dotted in apps:
        folder = Path(importlib.import_module(dotted).APP_CONFIG.migrations_folder_path)
        total += sum(1 for f in folder.glob("*.py") if f.name != "__init__.py")
    return total


async def _count(url: str, engine_name: str) -> tuple[int, int]:
    queries = ("SELECT COUNT(*) FROM migration", "SELECT COUNT(*) FROM audit_head")
    if engine_name == "sqlite":
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return tuple(connection.execute(q).fetchone()[0] for q in queries)
        finally:
            connection.close()
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        return tuple([await connection.fetchval(q) for q in queries])
    finally:
        await connection.close()
