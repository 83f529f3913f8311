"""The signed-in user as every handler sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.identity import mask_id_number

AccountKind = Literal["staff", "citizen", "org"]
STAFF_ROLES = ("admin", "clerk", "reviewer")
STAFF_ROLES_ZH = {"admin": "系统管理员", "clerk": "窗口工作人员", "reviewer": "审核人员"}
"""As the (Chinese) audit summaries name them; pages take the catalogs' labels."""
_ID_NUMBER_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")


def audit_actor(username: str, account_id: int) -> str:
    """How an account is named in the audit log. A citizen's username is their identity number,
    which the log never holds in full: ``440704********123X#17`` (masked, plus the account id so
    that one citizen's events can still be told apart)."""
    if _ID_NUMBER_SHAPE.match(username):
        return f"{mask_id_number(username)}#{account_id}"
    return username


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
    verification: str = "unverified"
    """Citizens: ``unverified``, ``phone`` or ``identity`` (core.auth.verification)."""

    def has(self, permission: str) -> bool:
        return permission in self.permissions

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    @property
    def audit_name(self) -> str:
        return audit_actor(self.username, self.id)
