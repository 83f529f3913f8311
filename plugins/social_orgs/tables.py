"""Tables of the social_orgs plugin."""

from piccolo.table import Table

TABLES: list[type[Table]] = []
