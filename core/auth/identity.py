"""The signed-in user as every handler sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AccountKind = Literal["staff", "citizen", "org"]
STAFF_ROLES = ("admin", "clerk", "reviewer")


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    kind: AccountKind
    roles: tuple[str, ...]
    permissions: frozenset[str]
    display_name: str = ""
    office_code: str | None = None
    org_uscc: str | None = None
    via_session: bool = False
    """Authenticated by the browser session cookie (then unsafe methods need the CSRF token)."""

    def has(self, permission: str) -> bool:
        return permission in self.permissions

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"
