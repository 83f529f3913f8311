# ruff: noqa: S608 (DDL of our own table names)
"""Exact row counts of large tables without counting their rows.

A list's unfiltered ``total`` is the number of rows in its table; counting them is a scan of
every row or index entry (PostgreSQL: ~25 ms for 100,000 organizations), on every page. So
each counted table's count is kept in the side table ``row_count (tablename, n)`` by triggers
on INSERT and DELETE, on both engines (rows written by any code path, bulk loads included, are
counted), and a total is one indexed read. Writers of a counted table update its one counter
row, so it suits tables written rarely (organizations), not hot ones.
"""

from __future__ import annotations

SIDE_TABLES = frozenset({"row_count"})
"""Created by the migrations outside Piccolo's table definitions, and kept by the triggers:
``wipe_all_data`` must not empty it (deleting the counted rows brings the counts to 0)."""


def ddl(engine_type: str, table: str) -> list[str]:
    """Statements creating the counter table, ``table``'s triggers, and its count now."""
    create = (
        "CREATE TABLE IF NOT EXISTS row_count "
        "(tablename VARCHAR(64) NOT NULL PRIMARY KEY, n BIGINT NOT NULL DEFAULT 0)"
    )
    fill = (
        f"INSERT INTO row_count (tablename, n) SELECT '{table}', COUNT(*) FROM {table} "
        "WHERE true ON CONFLICT (tablename) DO UPDATE SET n = excluded.n"  # WHERE: SQLite's parser
    )
    if engine_type == "sqlite":
        return [
            create,
            f"CREATE TRIGGER IF NOT EXISTS {table}_count_insert AFTER INSERT ON {table} "
            f"BEGIN UPDATE row_count SET n = n + 1 WHERE tablename = '{table}'; END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_count_delete AFTER DELETE ON {table} "
            f"BEGIN UPDATE row_count SET n = n - 1 WHERE tablename = '{table}'; END",
            fill,
        ]
    # PostgreSQL: once per statement, with the statement's rows (a COPY of 100,000 rows is one
    # update of the counter, not 100,000).
    function = f"{table}_count_keep"
    return [
        create,
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE row_count SET n = n + (SELECT COUNT(*) FROM added) WHERE tablename = '{table}';
  ELSE
    UPDATE row_count SET n = n - (SELECT COUNT(*) FROM removed) WHERE tablename = '{table}';
  END IF;
  RETURN NULL;
END $$""",
        f"DROP TRIGGER IF EXISTS {table}_count_insert ON {table}",
        f"CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"DROP TRIGGER IF EXISTS {table}_count_delete ON {table}",
        f"CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table} "
        f"REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        fill,
    ]


def count_sql(table: str) -> str:
    """SQL: ``table``'s row count (one row, column ``n``; no row before its migration)."""
    return f"SELECT n FROM row_count WHERE tablename = '{table}'"
