"""Throw-away PostgreSQL databases for the benchmarks, created and dropped through the server's
admin database (``MINZHENG_BENCH_PG_URL``, default the local server as user postgres)."""

from __future__ import annotations

import os

PG_ADMIN_URL = os.environ.get(
    "MINZHENG_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


async def create_pg_database(name: str) -> tuple[str, str]:
    """(URL, server version) of a new empty database ``name`` (an older one is dropped)."""
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
        version = await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", version


async def drop_pg_database(name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
