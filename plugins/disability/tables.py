"""Tables of the disability plugin."""

from piccolo.table import Table

TABLES: list[type[Table]] = []
