"""The one guard on every route, and object-level helpers.

Routes that return records about the person also carry ``person_data=True`` (below).
Every handler declares in ``opt`` exactly how it is reached: ``permission="<name>"``,
``auth=True`` (any signed-in user) or ``public=True``. Start-up refuses a handler that declares
none of them, so no route is ever open by omission. Plugin routes also carry ``plugin=<name>``:
while that plugin is disabled they answer 404 before anything else is checked.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from core.auth.identity import CurrentUser
from core.auth.verification import require_identity
from core.refusals import Refusal

ACCESS_KEYS = ("permission", "auth", "public")
PERSON_DATA = "person_data"
"""``opt={"permission": …, PERSON_DATA: True}``: the route returns records about the person
(certificates, marital status, applications, payments, the person record), so a citizen account
needs verification ``identity`` (403 ``IDENTITY_NOT_VERIFIED`` below it)."""


async def access_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    plugin = handler.opt.get("plugin")
    if plugin and not await connection.app.state.host.is_enabled(plugin):
        raise Refusal.not_found()
    if handler.opt.get("public") or connection.scope.get("method") == "OPTIONS":
        return
    user: CurrentUser | None = connection.scope.get("user")
    if user is None:
        raise Refusal.unauthenticated()
    permission = handler.opt.get("permission")
    if permission and not user.has(permission):
        raise Refusal.forbidden()
    if handler.opt.get(PERSON_DATA):
        require_identity(user)


def current_user(connection: ASGIConnection) -> CurrentUser | None:
    return connection.scope.get("user")


def require_user(connection: ASGIConnection) -> CurrentUser:
    user = current_user(connection)
    if user is None:
        raise Refusal.unauthenticated()
    return user
