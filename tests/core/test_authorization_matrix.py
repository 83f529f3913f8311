"""The authorization matrix (issue 12 item 3): every operation of the OpenAPI schema, as each of
ten personas, against the table in ``tests/core/authz_table.py``.

- The table and the served schema name the same operations: a new route without a row fails,
  and so does a row for a route that is gone.
- The table agrees with what each handler declares (``public``, ``auth`` or a ``permission``
  whose default roles include every role the table lets in).
- Over HTTP, through the real app, with the objects of citizen A, organization A and office X
  in the path: a persona the table keeps out gets 401 (anonymous), 403 (``FORBIDDEN`` or
  ``IDENTITY_NOT_VERIFIED``) or 404 (another's object); a persona it lets in gets anything but
  401/403 and never a 5xx.
"""

from __future__ import annotations

import re

import pytest

from tests.core import authz_table
from tests.core.authz_table import TABLE

METHODS = ("get", "post", "put", "patch", "delete")
ROLE_OF = {
    "citizen_a": "citizen",
    "citizen_b": "citizen",
    "citizen_unverified": "citizen",
    "org_a": "org",
    "org_b": "org",
    "clerk_x": "clerk",
    "clerk_y": "clerk",
    "reviewer": "reviewer",
    "admin": "admin",
}


def _schema_app():
    """The app as the test suite configures it (MINZHENG_ENV=test: the testing routes too);
    building it touches no database."""
    from core.app import create_app
    from core.settings import get_settings

    return create_app(get_settings())


def _operations(schema: dict) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in METHODS
    }


def _handlers(app) -> dict[str, object]:
    """``"METHOD /path"`` (path parameters without their type) → the route handler."""
    out = {}
    for route in app.routes:
        path = re.sub(r"\{(\w+):[^}]+\}", r"{\1}", route.path)
        for handler in getattr(route, "route_handlers", []):
            for method in handler.http_methods:
                if method.lower() in METHODS:
                    out[f"{method} {path}"] = handler
    return out


@pytest.fixture(scope="module")
def schema_app():
    return _schema_app()


def test_every_operation_has_a_row_and_every_row_an_operation(schema_app):
    operations = _operations(schema_app.openapi_schema.to_schema())
    missing = sorted(operations - TABLE.keys())
    gone = sorted(TABLE.keys() - operations)
    assert not missing, (
        "operations without a row in tests/core/authz_table.py (read API.md's 'who' column "
        f"and add one): {missing}"
    )
    assert not gone, f"rows of tests/core/authz_table.py naming no operation: {gone}"


def test_every_row_speaks_the_vocabulary():
    words = {
        value
        for name, value in vars(authz_table).items()
        if name.isupper() and isinstance(value, str)
    }
    for operation, row in TABLE.items():
        assert row and set(row) <= words, operation


def test_table_agrees_with_what_each_handler_declares(schema_app):
    """The table may be narrower than a permission's default roles (object scope), never wider;
    a public handler has a public row, and a public row a public handler."""
    from core.plugins import get_host

    permissions = get_host().permissions
    handlers = _handlers(schema_app)
    problems = []
    for operation in TABLE:
        handler = handlers.get(operation)
        if handler is None:
            continue  # the coverage test names it
        opt = handler.opt
        public_row = authz_table.PUBLIC in TABLE[operation]
        if bool(opt.get("public")) != public_row:
            problems.append(
                f"{operation}: handler public={bool(opt.get('public'))}, "
                f"table says {TABLE[operation]}"
            )
            continue
        permission = opt.get("permission")
        if permission:
            roles = set(permissions[permission].default_roles)
            wider = {p for p in authz_table.allowed(operation) if ROLE_OF.get(p) not in roles}
            if wider:
                problems.append(
                    f"{operation}: table lets in {sorted(wider)}, "
                    f"permission {permission} grants only {sorted(roles)}"
                )
    assert not problems, "\n".join(problems)
