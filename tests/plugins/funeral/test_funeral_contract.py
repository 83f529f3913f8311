"""API.md "Funeral": every path is in the OpenAPI schema, and no waiver body however odd gets
a 500 (API.md Conventions: "Never 500 for bad input")."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.plugins.funeral.support import person_number, waiver

pytestmark = pytest.mark.db

FUNERAL_CONTRACT = [
    ("get", "/api/v1/funeral/policy"),
    ("put", "/api/v1/funeral/policy"),
    ("post", "/api/v1/funeral/waivers"),
    ("get", "/api/v1/funeral/waivers"),
    ("get", "/api/v1/funeral/settlements/{month}"),
    ("get", "/api/v1/funeral/settlements/{month}/csv"),
    ("get", "/api/v1/funeral/settlements/{month}/pdf"),
]


async def test_every_contract_path_is_in_the_openapi_schema(client, db):
    schema = (await client.get("/schema/openapi.json")).json()
    for method, path in FUNERAL_CONTRACT:
        assert method in schema["paths"].get(path, {}), (method, path)


odd_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "11010519491231002x", "440704194001010011", "0" * 18, "é" * 70]),
)
odd_number = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    odd_text,
)
odd_date = st.one_of(
    st.dates(min_value=dt.date(1800, 1, 1)).map(dt.date.isoformat),
    st.sampled_from(["2026-02-30", "2026-13-01", "", "yesterday"]),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    id_number=st.one_of(st.none(), odd_text, st.just(person_number(dt.date(1950, 1, 1)))),
    certificate=st.one_of(st.none(), odd_text),
    died_on=odd_date,
    code=st.one_of(st.sampled_from(["urn", "storage", "transport"]), odd_text),
    fee=odd_number,
    units=odd_number,
    home=odd_text,
)
async def test_odd_waivers_are_refused_never_500(
    client, clerk, id_number, certificate, died_on, code, fee, units, home
):
    body = waiver(None, dt.date(2026, 3, 1), home=home)
    body["deceased"] = {"died_on": died_on, "name": "某"}
    if id_number is not None:
        body["deceased"]["id_number"] = id_number
    if certificate is not None:
        body["deceased"]["unidentified_police_certificate_no"] = certificate
    body["items"] = [{"code": code, "fee_fen": fee, "units": units}]
    for path in ("/api/v1/funeral/waivers/preview", "/api/v1/funeral/waivers"):
        r = await client.post(path, json=body, headers=clerk)
        assert r.status_code in (200, 201, 400, 409, 422), r.text
        if r.status_code >= 400:
            assert set(r.json()) >= {"status_code", "code", "detail"}
