"""Tables of the funeral plugin."""

from piccolo.table import Table

TABLES: list[type[Table]] = []
