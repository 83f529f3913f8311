"""First HTTP checks of the core (temporary smoke; replaced by full suites)."""

import pytest

pytestmark = pytest.mark.db


async def test_token_flow(client):
    from core.auth.accounts import create_staff_user

    await create_staff_user("admin1", "secret-pass-1", ["admin"])
    r = await client.post(
        "/api/v1/auth/token", json={"username": "admin1", "password": "secret-pass-1"}
    )
    assert r.status_code == 201 or r.status_code == 200, r.text
    token = r.json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    me = await client.get("/api/v1/me", headers=h)
    assert me.json()["roles"] == ["admin"]
    plugins = await client.get("/api/v1/admin/plugins", headers=h)
    assert [p["name"] for p in plugins.json()] == [
        "marriage",
        "funeral",
        "disability",
        "social_orgs",
    ]
    out = await client.post("/api/v1/auth/logout", headers=h)
    assert out.status_code == 204
    assert (await client.get("/api/v1/me", headers=h)).status_code == 401
    v = await client.get("/api/v1/admin/audit/verify", headers=h)
    assert v.status_code == 401
    home = await client.get("/")
    assert home.status_code == 200 and "婚姻登记" in home.text
