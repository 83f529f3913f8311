# ruff: noqa: S608 (DDL of our own table and column names)
"""Search by contained characters through an index: a table of each name's two-character
sequences (bigrams), kept by triggers, on both engines.

Chinese names are two to four characters and a clerk types two or three of them, anywhere in
the name (``王德`` finds 王德华 and 李王德). A trigram index (PostgreSQL's ``pg_trgm``, SQLite's
FTS5 ``trigram`` tokenizer) cannot answer a two-character query from the index: both fall back
to reading every row for patterns shorter than three characters. So each searchable column gets
a side table ``<table>_<column>_gram (gram, row_id)`` holding every bigram of every value, with
an index on ``(gram, row_id)``, filled by triggers on INSERT, UPDATE OF the column and DELETE
(so rows written by any code path, bulk loads included, are found). A query of two or more
characters looks its first bigram up in the index and checks the candidates with ``LIKE``.
"""

from __future__ import annotations

SIDE_TABLES = frozenset({"gram_position", "person_name_gram", "social_org_name_gram"})
"""Tables the migrations create for these indexes, outside Piccolo's table definitions (they
are index structures: the triggers keep them, ``wipe_all_data`` must not empty them)."""
MAX_POSITION = 128  # SQLite: positions table for the triggers (names are at most 64 characters)


def gram_table(table: str, column: str) -> str:
    return f"{table}_{column}_gram"


def first_gram(query: str) -> str | None:
    """The bigram looked up for ``query`` (its first two characters), None if it is shorter."""
    return query[:2] if len(query) >= 2 else None


def grams_of(query: str) -> list[str]:
    """The bigrams looked up for ``query``: its first, and its last when that is another one
    (a row must hold both: intersecting two index ranges leaves few rows to read and check,
    where ``44`` alone is in a thousand organizations' names and ``4407…`` in none)."""
    if len(query) < 2:
        return []
    first, last = query[:2], query[-2:]
    return [first] if last == first else [first, last]


def candidates(table: str, column: str, query: str) -> str:
    """SQL: the ids of the rows of ``table`` holding every bigram of ``grams_of(query)``, one
    ``{}`` placeholder each."""
    lookup = f"SELECT row_id FROM {gram_table(table, column)} WHERE gram = {{}}"
    return " INTERSECT ".join([lookup] * len(grams_of(query)))


def contains_clause(table: str, column: str, alias: str, query: str) -> str:
    """SQL matching rows of ``table`` (as ``alias``) whose ``column`` contains ``query``: a
    ``{}`` placeholder for each of ``grams_of(query)``, then the ``LIKE`` pattern ``%query%``."""
    ref = alias or table
    return f"{ref}.id IN ({candidates(table, column, query)}) AND {ref}.{column} LIKE {{}}"


def is_bigram(query: str) -> bool:
    """Whether containing ``query`` is exactly having it as a bigram: two characters, neither a
    ``LIKE`` wildcard nor an ASCII letter (SQLite's ``LIKE`` ignores their case)."""
    return len(query) == 2 and not any(
        ch in "%_\\" or (ch.isascii() and ch.isalpha()) for ch in query
    )


async def rows_with(table: str, column: str, gram: str, up_to: int) -> int:
    """How many rows have the bigram ``gram``, counted in the index up to ``up_to``."""
    from core.db import fetch_one

    row = await fetch_one(
        f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM {gram_table(table, column)} "
        "WHERE gram = {} LIMIT {}) AS found",
        gram,
        up_to,
    )
    return int(row["n"]) if row else 0


def ddl(engine_type: str, table: str, column: str) -> list[str]:
    """Statements creating the side table, its index, the triggers, and filling it from the
    rows already there."""
    grams = gram_table(table, column)
    create = [
        f"CREATE TABLE IF NOT EXISTS {grams} (gram VARCHAR(2) NOT NULL, row_id INTEGER NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {grams}_gram ON {grams} (gram, row_id)",
        f"CREATE INDEX IF NOT EXISTS {grams}_row ON {grams} (row_id)",
    ]
    if engine_type == "sqlite":
        fill = (
            f"INSERT INTO {grams} (gram, row_id) SELECT DISTINCT substr(NEW.{column}, n, 2), "
            f"NEW.id FROM gram_position WHERE n < length(NEW.{column})"
        )
        return [
            *create,
            "CREATE TABLE IF NOT EXISTS gram_position (n INTEGER PRIMARY KEY)",
            "WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p "
            f"WHERE n < {MAX_POSITION}) INSERT OR IGNORE INTO gram_position (n) SELECT n FROM p",
            f"CREATE TRIGGER IF NOT EXISTS {grams}_insert AFTER INSERT ON {table} "
            f"BEGIN {fill}; END",
            f"CREATE TRIGGER IF NOT EXISTS {grams}_update AFTER UPDATE OF {column} ON {table} "
            f"WHEN NEW.{column} IS NOT OLD.{column} "
            f"BEGIN DELETE FROM {grams} WHERE row_id = OLD.id; {fill}; END",
            f"CREATE TRIGGER IF NOT EXISTS {grams}_delete AFTER DELETE ON {table} "
            f"BEGIN DELETE FROM {grams} WHERE row_id = OLD.id; END",
            f"INSERT INTO {grams} (gram, row_id) SELECT DISTINCT substr(t.{column}, n, 2), t.id "
            f"FROM {table} t JOIN gram_position ON n < length(t.{column})",
        ]
    function = f"{grams}_keep"
    return [
        *create,
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF TG_OP = 'UPDATE' AND NEW.{column} IS NOT DISTINCT FROM OLD.{column} THEN
      RETURN NULL;
    END IF;
    DELETE FROM {grams} WHERE row_id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO {grams} (gram, row_id)
      SELECT DISTINCT substr(NEW.{column}, i, 2), NEW.id
      FROM generate_series(1, char_length(NEW.{column}) - 1) AS i;
  END IF;
  RETURN NULL;
END $$""",
        f"DROP TRIGGER IF EXISTS {grams}_keep ON {table}",
        f"CREATE TRIGGER {grams}_keep AFTER INSERT OR DELETE OR UPDATE OF {column} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"INSERT INTO {grams} (gram, row_id) SELECT DISTINCT substr(t.{column}, i, 2), t.id "
        f"FROM {table} t, generate_series(1, char_length(t.{column}) - 1) AS i",
    ]
