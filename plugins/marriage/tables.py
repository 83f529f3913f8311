"""Tables of the marriage plugin."""

from piccolo.table import Table

TABLES: list[type[Table]] = []
