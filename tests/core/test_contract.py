"""API.md "Conventions" and "Core": every Core path is in the OpenAPI schema, every error has the
contract's shape, malformed input is a 400, and no input however odd produces a 500."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.support import assert_error

pytestmark = pytest.mark.db

# API.md "Core": method and path under /api/v1.
CORE_CONTRACT = [
    ("post", "/auth/token"),
    ("post", "/auth/logout"),
    ("get", "/me"),
    ("post", "/citizens"),
    ("post", "/admin/users"),
    ("get", "/admin/plugins"),
    ("patch", "/admin/plugins/{name}"),
    ("get", "/admin/audit"),
    ("get", "/admin/audit/verify"),
    ("post", "/rosters/import"),
    ("get", "/people/{id_number}"),
    ("patch", "/people/{id_number}"),
    ("get", "/stats/indicators"),
    ("get", "/verify/{certificate_no}"),
]

ODD_SEGMENTS = [
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e",
    "x" * 5000,
    "%F0%9F%92%A9%E5%A9%9A",  # emoji and a CJK character, percent-encoded
    "%00",
    "a%00b",
    "%ff%fe",
    "-1",
    "99999999999999999999999999",
    "0",
    "11010519900307299X",
    "%20",
    "null",
]

JUNK_BODIES: list[tuple[str, bytes]] = [
    ("application/json", b"{"),
    ("application/json", b"not json at all"),
    ("application/json", b"null"),
    ("application/json", b"[]"),
    ("application/json", b"12"),
    ("application/json", b'"\\u0000"'),
    ("application/json", json.dumps({"username": None, "password": 7, "enabled": "yes"}).encode()),
    (
        "application/json",
        json.dumps({"username": "a" * 100_000, "password": "b" * 100_000}).encode(),
    ),
    (
        "application/json",
        json.dumps(
            {
                "id_number": "\u0000" * 18,
                "name": "\U0002a6a5\u0000",
                "password": "\ud7ff" * 9,
                "phone": "📞",
                "roles": ["admin\u0000"],
                "enabled": None,
                "today": "2026-02-30",
                "hukou_division": "\u0000\u0000\u0000\u0000\u0000\u0000",
                "deceased_on": "9999-99-99",
            }
        ).encode(),
    ),
    ("application/json", json.dumps({"roles": "admin", "username": ["x"]}).encode()),
    (
        "application/json",
        json.dumps({"a": {"b": {"c": [1, 2, {"d": None}]}}} | {"x": 1e308}).encode(),
    ),
    ("application/json", b"\xff\xfe\x00\x00garbage"),
    ("text/plain", "纯文本 \x00".encode()),
    ("application/x-www-form-urlencoded", b"username=%00&password=%ff&_csrf="),
    ("multipart/form-data; boundary=zzz", b"--zzz\r\nContent-Disposition: form-data\r\n\r\nx"),
]

RICH_JUNK = JUNK_BODIES[8]
"""Every field name of the core's bodies with a NUL, a rare character, an impossible date."""

ODD_QUERY_VALUES = [
    "%00",
    "-1",
    "99999999999999999999999999",
    "abc",
    "%F0%9F%92%A9",
    "2026-13-45",
    "x" * 3000,
    "é",
    "%C3%A9%C3%A9",
]


def _schema_routes(schema: dict) -> list[tuple[str, str, list[str]]]:
    """(method, path template, query parameter names) of every operation in the schema."""
    routes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            routes.append((method, path, names))
    return routes


def _fill(path: str, segment: str) -> str:
    return re.sub(r"\{[^}]+\}", segment, path)


@pytest.fixture
async def superuser(staff) -> dict:
    """A staff member holding every staff role, so the fuzz reaches every handler's body."""
    return await staff("admin", "clerk", "reviewer", office_code="JH01")


async def test_every_core_contract_path_is_in_the_openapi_schema(client):
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"].startswith("3.1")
    for method, path in CORE_CONTRACT:
        assert f"/api/v1{path}" in schema["paths"], path
        assert method in schema["paths"][f"/api/v1{path}"], (method, path)


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("post", "/api/v1/auth/token", b"{", 400, "BAD_REQUEST"),
        ("post", "/api/v1/auth/token", b'{"username": 1, "password": "x"}', 400, "BAD_REQUEST"),
        ("post", "/api/v1/auth/token", b'{"username": "a"}', 400, "BAD_REQUEST"),
        ("post", "/api/v1/citizens", b"[1, 2]", 400, "BAD_REQUEST"),
        ("post", "/api/v1/citizens", b'{"id_number": null}', 400, "BAD_REQUEST"),
        ("get", "/api/v1/nowhere", None, 404, "NOT_FOUND"),
        ("get", "/api/v1/admin/users/1", None, 405, "METHOD_NOT_ALLOWED"),
        ("get", "/api/v1/me", None, 401, "UNAUTHENTICATED"),
        ("get", "/api/v1/admin/audit", None, 401, "UNAUTHENTICATED"),
    ],
)
async def test_errors_have_the_contract_shape(client, method, path, body, status, code):
    headers = {"content-type": "application/json"} if body is not None else {}
    r = await client.request(method, path, content=body, headers=headers)
    assert_error(r, status, code)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/admin/users", b"{broken"),
        ("/api/v1/admin/users", b'{"username": "abc", "password": "12345678", "roles": "admin"}'),
        ("/api/v1/admin/users", b'{"username": 5, "password": "12345678", "roles": ["admin"]}'),
    ],
)
async def test_malformed_bodies_of_authenticated_calls_are_400(client, admin, path, body):
    r = await client.post(path, content=body, headers={**admin, "content-type": "application/json"})
    assert_error(r, 400, "BAD_REQUEST")


async def test_wrong_types_in_path_and_query_are_400_or_404(client, admin):
    assert_error(await client.get("/api/v1/admin/audit?limit=abc", headers=admin), 400)
    assert_error(await client.get("/api/v1/admin/audit?limit=0", headers=admin), 400)
    assert_error(await client.get("/api/v1/admin/audit?since=yesterday", headers=admin), 400)
    assert_error(await client.get("/api/v1/stats/indicators?year=1800", headers=admin), 400)
    r = await client.patch("/api/v1/admin/users/abc", json={"active": False}, headers=admin)
    assert_error(r, 404, "NOT_FOUND")


def _check_no_500(r, method: str, url: str) -> None:
    assert r.status_code < 500, f"{method.upper()} {url[:200]} → {r.status_code}: {r.text[:500]}"
    if r.status_code >= 400 and r.headers.get("content-type", "").startswith("application/json"):
        body = r.json()
        assert {"status_code", "code", "detail"} <= set(body), (url[:200], body)


async def test_junk_bodies_and_odd_segments_never_500_on_any_route(client, superuser):
    """Every operation of the schema, with odd path segments and junk bodies, anonymous and as a
    user holding every staff role."""
    schema = (await client.get("/schema/openapi.json")).json()
    routes = [*_schema_routes(schema), ("get", "/verify/{no}", ["c"]), ("post", "/login", [])]
    for method, path, _ in routes:
        segments = ODD_SEGMENTS if "{" in path else [""]
        for headers in ({}, superuser):
            # Every odd segment with one rich junk body, then every junk body on a plausible path.
            cases = [(segment, RICH_JUNK) for segment in segments]
            if method not in ("get", "delete"):
                cases += [("11010519491231002X", body) for body in JUNK_BODIES]
            for segment, (content_type, body) in cases:
                url = _fill(path, segment)
                kwargs = {} if method in ("get", "delete") else {"content": body}
                r = await client.request(
                    method, url, headers={**headers, "content-type": content_type}, **kwargs
                )
                _check_no_500(r, method, url)


async def test_odd_query_values_never_500(client, superuser):
    schema = (await client.get("/schema/openapi.json")).json()
    routes = [*_schema_routes(schema), ("get", "/verify/{no}", ["c"])]
    for method, path, names in routes:
        if method != "get" or not names:
            continue
        url = _fill(path, "J440704-2026-000001")
        for name in names:
            for value in ODD_QUERY_VALUES:
                r = await client.get(f"{url}?{name}={value}", headers=superuser)
                _check_no_500(r, "get", f"{url}?{name}={value}")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELD_NAMES = [
    "username", "password", "id_number", "name", "phone", "roles", "office_code", "enabled",
    "active", "today", "hukou_division", "deceased_on", "display_name",
]  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.data(),
    segment=st.text(min_size=1, max_size=30),
    body=st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=6) | json_values,
)
async def test_random_inputs_never_500(client, superuser, data, segment, body):
    from urllib.parse import quote

    schema = (await client.get("/schema/openapi.json")).json()
    method, path, _ = data.draw(st.sampled_from(_schema_routes(schema)))
    url = _fill(path, quote(segment, safe=""))
    kwargs: dict[str, Any] = {} if method in ("get", "delete") else {"json": body}
    r = await client.request(method, url, headers=superuser, **kwargs)
    _check_no_500(r, method, url)
