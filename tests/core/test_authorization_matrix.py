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

import datetime as dt
import re
from typing import Any

import httpx
import pytest

from core.identity import mask_id_number
from tests import factories
from tests.core import authz_table
from tests.core import authz_world as W
from tests.core.authz_table import (
    CITIZEN_OWN,
    CITIZEN_VERIFIED,
    CLERK_OWN_OFFICE,
    PERSONAS,
    TABLE,
)

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


# -------------------------------------------------------------------------------------------------
# Over HTTP: every operation as every persona, with the objects of A, org A and office X.
# One world per engine (both engines: the whole matrix takes seconds on each).
# -------------------------------------------------------------------------------------------------

LAST = (
    # Cancelling, voiding and stopping leave their objects in an end state: after the others.
    "DELETE /api/v1/marriage/appointments/{code}",
    "POST /api/v1/funeral/waivers/{waiver_id}/void",
    "POST /api/v1/disability/beneficiaries/{application_id}/stop",
    "PATCH /api/v1/admin/users/{account_id}",
    "PATCH /api/v1/admin/plugins/{name}",
    "POST /api/v1/auth/logout",
    "PUT /api/v1/testing/clock",
    "DELETE /api/v1/testing/clock",
)
ORDER = [op for op in TABLE if op not in LAST] + [op for op in LAST if op in TABLE]

FRESH_TOKEN = {"POST /api/v1/auth/logout"}
"""Each persona signs in again for these, so that the token the other cases use survives."""


def _path_values(operation: str, w: W.World) -> dict[str, Any]:
    path = operation.split(" ", 1)[1]
    ids = w.ids
    values: dict[str, Any] = {
        "id_number": W.A,
        "account_id": ids["throwaway_account"],
        "name": "funeral",
        "notification_id": ids["notification"],
        "year": 2025,
        "certificate_no": ids["registration_certificate"],
        "code": ids["appointment"],
        "registration_id": ids["registration"],
        "application_id": ids["divorce"],
        "task_id": ids["task"],
        "waiver_id": ids["waiver"],
        "month": W.MONTH,
        "effective_from": "2031-01-01",
        "uscc": W.ORG_A,
        "spot_check_id": ids["spot_check"],
        "evaluation_id": ids["evaluation"],
    }
    if path.startswith("/api/v1/marriage/offices/"):
        values["code"] = W.OFFICE_X
    if path.startswith("/api/v1/disability/"):
        values["application_id"] = ids["disability"]
    if path.startswith(("/api/v1/calendar/", "/api/v1/disability/standards/")):
        values["year"] = 2031 if not operation.startswith("GET") else 2026
    if operation in (
        "POST /api/v1/citizens/{id_number}/verify-identity",  # would take A's account back
        "PATCH /api/v1/people/{id_number}",
    ):
        values["id_number"] = W.D
    return values


def _request(operation: str, w: W.World) -> dict[str, Any]:
    """Query and body of a valid-looking request: enough for an allowed persona to reach the
    handler's own checks (object scope, "for self only")."""
    ids = w.ids
    day = (W.TODAY + dt.timedelta(days=3)).isoformat()
    check = ids["registration_verify_url"].split("c=", 1)[-1]
    bodies: dict[str, dict[str, Any]] = {
        "POST /api/v1/auth/token": {
            "json": {"username": "matrix-login", "password": W.STAFF_PASSWORD}
        },
        "POST /api/v1/citizens": {
            "json": {
                "id_number": W.K,
                "name": "冯刚",
                "phone": "13800000009",
                "password": W.CITIZEN_PASSWORD,
            }
        },
        "POST /api/v1/citizens/confirm-phone": {"json": {"code": "000000"}},
        "POST /api/v1/citizens/{id_number}/verify-identity": {"json": {"phone": "13800000004"}},
        "POST /api/v1/citizens/activate": {
            "json": {
                "id_number": W.D,
                "activation_code": "000000",
                "password": "another-password-1",
            }
        },
        "POST /api/v1/citizens/password-reset": {"json": {"id_number": W.B}},
        "POST /api/v1/citizens/password-reset/confirm": {
            "json": {"id_number": W.B, "code": "000000", "password": "another-password-1"}
        },
        "GET /api/v1/admin/users": {"params": {"limit": 5}},
        "POST /api/v1/admin/users": {
            "json": {"username": "matrix-new", "password": W.STAFF_PASSWORD, "roles": ["reviewer"]}
        },
        "PATCH /api/v1/admin/users/{account_id}": {"json": {"active": False}},
        "PATCH /api/v1/admin/plugins/{name}": {"json": {"enabled": True}},
        "POST /api/v1/rosters/import": {
            "files": {
                "file": (
                    "roster.csv",
                    f"id_number,name,category,valid_from,valid_to\n{W.L},陈兰,dibao,2026-01-01,\n".encode(),
                    "text/csv",
                )
            }
        },
        "PUT /api/v1/calendar/{year}": {"json": {"days": []}},
        "POST /api/v1/calendar/{year}/preview": {"json": {"days": []}},
        "PUT /api/v1/testing/clock": {"json": {"today": W.TODAY.isoformat()}},
        "GET /api/v1/testing/outbox": {"params": {"recipient": "13800000001"}},
        "PATCH /api/v1/people/{id_number}": {"json": {"hukou_division": "440704"}},
        "POST /api/v1/people/{id_number}/death/revoke": {"json": {"reason": "误登记"}},
        "GET /api/v1/stats/indicators": {"params": {"year": 2026}},
        "GET /api/v1/search": {"params": {"q": W.A}},
        "GET /api/v1/verify/{certificate_no}": {"params": {"c": check}},
        "POST /api/v1/marriage/offices": {
            "json": {"code": "ZZ01", "name": "授权矩阵登记处", "division_code": "440705"}
        },
        "PATCH /api/v1/marriage/offices/{code}": {
            "json": {"address": "江门市江海区东海路1号", "opening_hours": "周一至周五 9:00-17:00"}
        },
        "PUT /api/v1/marriage/offices/{code}/schedule": {
            "json": {
                "slots": [
                    {"start": "09:00", "end": "09:30", "capacity": 5},
                    {"start": "14:00", "end": "14:30", "capacity": 5},
                ],
                "horizon_days": 14,
            }
        },
        "GET /api/v1/marriage/slots": {"params": {"office": W.OFFICE_X, "from": day, "to": day}},
        "POST /api/v1/marriage/appointments": {
            "json": {
                "slot_id": ids["slots"][1],
                "service": "marriage",
                "partner": {"id_number": W.I, "name": "吴丽"},
            }
        },
        "POST /api/v1/marriage/appointments/{code}/rebook": {"json": {"slot_id": ids["slots"][2]}},
        "GET /api/v1/marriage/offices/{code}/appointments": {"params": {"date": day}},
        "POST /api/v1/marriage/registrations": {
            "json": {
                "kind": "marriage",
                "office_code": W.OFFICE_X,
                "party_a": W.party(W.G, "孙浩"),
                "party_b": W.party(W.H, "何静"),
            }
        },
        "POST /api/v1/marriage/divorce-applications": {
            "json": {
                "marriage_certificate_no": ids["registration_certificate"],
                "office_code": W.OFFICE_X,
            }
        },
        "POST /api/v1/marriage/divorce-applications/{application_id}/withdraw": {
            "json": {"id_number": W.A}
        },
        "POST /api/v1/marriage/reissues": {
            "json": {"certificate_no": ids["reissue_source_certificate"], "id_number": W.Q}
        },
        "POST /api/v1/marriage/tasks/{task_id}/close": {"json": {"note": "已核实"}},
        "PUT /api/v1/funeral/policy": {"json": ids["funeral_policy"]},
        "POST /api/v1/funeral/waivers/preview": {
            "json": W.waiver_body(W.F, "林桂芳", W.TODAY - dt.timedelta(days=1))
        },
        "POST /api/v1/funeral/waivers": {
            "json": W.waiver_body(W.F, "林桂芳", W.TODAY - dt.timedelta(days=1))
        },
        "GET /api/v1/funeral/waivers": {"params": {"month": W.MONTH}},
        "POST /api/v1/funeral/waivers/{waiver_id}/void": {"json": {"reason": "重复登记"}},
        "POST /api/v1/funeral/waivers/{waiver_id}/correct": {
            "json": {
                **W.waiver_body(W.E, "李秀英", W.TODAY - dt.timedelta(days=2)),
                "reason": "更正申请人电话",
            }
        },
        "GET /api/v1/funeral/settlements/{month}/cases": {"params": {"funeral_home": W.HOME}},
        "GET /api/v1/funeral/settlements/{month}/cases/csv": {"params": {"funeral_home": W.HOME}},
        "GET /api/v1/funeral/settlements/{month}/cases/pdf": {"params": {"funeral_home": W.HOME}},
        "PUT /api/v1/disability/standards/{year}": {
            "json": {"living_monthly_fen": 20000, "nursing_monthly_fen": 20000}
        },
        "PUT /api/v1/disability/policies/{effective_from}": {"json": {}},
        "POST /api/v1/disability/eligibility": {"json": W.disability_body(W.A)},
        "POST /api/v1/disability/applications": {"json": W.disability_body(W.A)},
        "POST /api/v1/disability/applications/{application_id}/street-review": {
            "json": {"approve": True, "note": "属实"}
        },
        "POST /api/v1/disability/applications/{application_id}/approve": {"json": {"note": ""}},
        "POST /api/v1/disability/applications/{application_id}/reject": {"json": {"note": ""}},
        "POST /api/v1/disability/beneficiaries/{application_id}/stop": {
            "json": {"reason": "request", "note": "本人申请"}
        },
        "POST /api/v1/disability/beneficiaries/{application_id}/grade": {"json": {"grade": 1}},
        "POST /api/v1/disability/beneficiaries/{application_id}/review": {"json": {"note": "复核"}},
        "POST /api/v1/orgs": {
            "json": {
                "uscc": W.ORG_NEW,
                "name": "授权矩阵新登记组织",
                "kind": "social_group",
                "registered_on": "2026-05-01",
                "legal_representative": "陈志明",
                "staff_count": 3,
            }
        },
        "POST /api/v1/orgs/{uscc}/accounts": {
            "json": {"username": "org-a-second", "password": W.ORG_PASSWORD}
        },
        "PUT /api/v1/orgs/{uscc}/legal-representative": {
            "json": {"legal_representative": "陈志明"}
        },
        "POST /api/v1/orgs/deregistration-proposals/{uscc}/confirm": {"json": {"note": "核实"}},
        "POST /api/v1/orgs/deregistration-proposals/{uscc}/reject": {"json": {"note": "核实"}},
        "POST /api/v1/orgs/spot-checks": {"json": {"year": 2024, "count": 1, "seed": 8}},
        "PUT /api/v1/orgs/evaluation-policy": {"json": ids["evaluation_policy"]},
        "POST /api/v1/orgs/{uscc}/evaluations": {"json": {"year": 2026, "scores": W.SCORES}},
        "PUT /api/v1/orgs/{uscc}/annual-reports/{year}": {"json": W.REPORT},
        "POST /api/v1/orgs/{uscc}/annual-reports/{year}/return": {"json": {"reason": "请补充"}},
        "POST /api/v1/orgs/{uscc}/annual-reports/{year}/inspection": {
            "json": {"result": "qualified", "note": "合格"}
        },
    }
    return bodies.get(operation, {})


@pytest.fixture(scope="module")
async def world(app, database_url) -> W.World:
    """One world per engine for the whole matrix (built once: ~100 requests)."""
    async with W.fresh_world(app, database_url, ("203.0.113.70", 40070)) as (w, c):
        policy = (await c.get("/api/v1/funeral/policy")).json()
        keys = ("items", "eligible_categories", "all_local_residents", "local_divisions")
        keys += ("excluded_categories", "total_cap_fen")
        w.ids["funeral_policy"] = {k: policy[k] for k in keys if k in policy}
        policy = (await c.get("/api/v1/orgs/evaluation-policy")).json()
        w.ids["evaluation_policy"] = {
            k: policy[k] for k in ("thresholds", "indicators") if k in policy
        }
    return w


@pytest.fixture(scope="module")
async def matrix_client(app, world) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.71", 40071))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        yield c


def _expected_denial(operation: str, persona: str, person_data: bool) -> set[int]:
    if persona == "anonymous":
        return {401}
    words = TABLE[operation]
    path = operation.split(" ", 1)[1]
    names_record = "{" in path and not path.startswith("/api/v1/marriage/offices/")
    if names_record and (
        (persona == "citizen_b" and CITIZEN_OWN in words)
        or (persona == "clerk_y" and CLERK_OWN_OFFICE in words)
    ):
        return {404}  # another's record: as if it did not exist (API.md)
    return {403, 404}


OUTSIDERS = ("anonymous", "citizen_b", "citizen_unverified", "org_a", "org_b")


def _leaks(persona: str, r: httpx.Response, w: W.World) -> list[str]:
    """What of A's (or X's) must never be in an answer to this persona, whatever the route:
    to people outside the bureau, A's identity number (full or masked) and appointment code;
    to the clerk of office Y, office X's appointment code."""
    text = r.text
    secrets = {}
    if persona in OUTSIDERS:
        secrets = {
            "citizen A's identity number": W.A,
            "citizen A's masked identity number": mask_id_number(W.A),
            "citizen A's appointment code": w.ids["appointment"],
        }
    elif persona == "clerk_y":
        secrets = {"office X's appointment code": w.ids["appointment"]}
    return [what for what, value in secrets.items() if value in text]


@pytest.mark.db
@pytest.mark.parametrize("operation", ORDER)
async def test_authorization_matrix(operation, world, matrix_client, schema_app):
    client = matrix_client
    method, template = operation.split(" ", 1)
    path = template.format(**_path_values(operation, world))
    request = _request(operation, world)
    handler = _handlers(schema_app)[operation]
    person_data = bool(handler.opt.get("person_data"))
    allowed = authz_table.allowed(operation)
    # Keep-outs first (they must change nothing), then the personas let in.
    personas = [p for p in PERSONAS if p not in allowed] + [p for p in PERSONAS if p in allowed]
    problems = []
    for persona in personas:
        headers = dict(world.headers.get(persona, {}))
        if operation in FRESH_TOKEN and persona in world.credentials:
            headers = await factories.sign_in(client, *world.credentials[persona])
        r = await client.request(method, path, headers=headers, **request)
        code = ""
        if r.headers.get("content-type", "").startswith("application/json"):
            body = r.json()
            code = body.get("code", "") if isinstance(body, dict) else ""
        seen = f"{persona}: {r.status_code} {code}".strip()
        if r.status_code >= 500:
            problems.append(f"{seen} (a 5xx)")
        elif persona in allowed:
            if r.status_code in (401, 403) or (r.status_code == 404 and "{" in template):
                problems.append(f"{seen}, but the table lets {persona} in: {r.text[:200]}")
        else:
            expected = _expected_denial(operation, persona, person_data)
            if r.status_code not in expected:
                problems.append(f"{seen}, expected {sorted(expected)}: {r.text[:200]}")
            elif (
                persona == "citizen_unverified"
                and person_data
                and {CITIZEN_OWN, CITIZEN_VERIFIED} & set(TABLE[operation])
                and code != "IDENTITY_NOT_VERIFIED"
            ):
                problems.append(f"{seen}, expected 403 IDENTITY_NOT_VERIFIED")
        problems += [f"{seen}: the answer holds {what}" for what in _leaks(persona, r, world)]
    assert not problems, f"{operation}:\n" + "\n".join(problems)
