"""Issue #2 item 9 (the service; the PDF drawing is in test_certificate_pdf.py): gapless unique
numbers under concurrency, HMAC check codes in the QR URL, verification as JSON and HTML, voided
certificates verify as invalid."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac

import pytest

from core.certificates.service import check_code, format_number, verify_url


@pytest.mark.parametrize(
    ("prefix", "division", "year", "serial", "number"),
    [
        ("J", "440704", 2026, 1, "J440704-2026-000001"),
        ("L", "440704", 2027, 123456, "L440704-2027-123456"),
        ("BZ", "440703", 2026, 42, "BZ440703-2026-000042"),
    ],
)
def test_number_format(prefix, division, year, serial, number):
    assert format_number(prefix, division, year, serial) == number


def test_check_code_is_an_hmac_under_the_secret_key():
    from core.settings import get_settings

    key = get_settings().secret_key.encode()
    number = "J440704-2026-000001"
    expected = hmac.new(key, b"cert:" + number.encode(), hashlib.sha256).hexdigest()[:12]
    assert check_code(number) == expected
    assert check_code("J440704-2026-000002") != expected
    assert verify_url(number) == f"http://testserver/verify/{number}?c={expected}"


def test_check_code_changes_with_the_key(env_var):
    before = check_code("J440704-2026-000001")
    env_var("MINZHENG_SECRET_KEY", "another-key-entirely-" + "x" * 30)
    assert check_code("J440704-2026-000001") != before


@pytest.mark.db
@pytest.mark.slow
async def test_serials_are_unique_and_gapless_under_concurrency(db):
    from core.db import write_transaction
    from core.serials import next_serial

    async def take(key: str) -> int:
        async with write_transaction():
            return await next_serial(key)

    values = await asyncio.gather(*(take("T440704-2026") for _ in range(100)))
    assert sorted(values) == list(range(1, 101))
    others = await asyncio.gather(*(take(f"K{n % 3}") for n in range(30)))
    assert sorted(others) == sorted([*range(1, 11)] * 3)


@pytest.mark.db
async def test_a_rolled_back_transaction_leaves_no_gap(db):
    from core.db import write_transaction
    from core.serials import next_serial

    async with write_transaction():
        assert await next_serial("R-2026") == 1
    with pytest.raises(RuntimeError):
        async with write_transaction():
            assert await next_serial("R-2026") == 2
            raise RuntimeError("registration refused after numbering")
    async with write_transaction():
        assert await next_serial("R-2026") == 2


async def _issue(**overrides):
    from core.certificates.service import issue_certificate

    fields = {
        "prefix": "P",
        "division": "440704",
        "kind": "probe_cert",
        "plugin": "probe",
        "title": "探针证明",
        "issued_on": dt.date(2026, 5, 20),
        "holder_names": ["欧阳娜娜", "李䶮"],
        "holder_ids": ["440704199001010061"],
        "content": {"holder": "欧阳娜娜"},
    }
    return await issue_certificate(**{**fields, **overrides})


@pytest.mark.db
async def test_issue_verify_and_void(probe_client):
    # The probe plugin owns the certificates these tests issue (and declares their audit).
    client = probe_client
    from core.certificates.service import void_certificate
    from core.tables import AuditEvent

    issued = await _issue()
    assert issued.number == "P440704-2026-000001"
    assert issued.verify_url == verify_url(issued.number)
    second = await _issue(issued_on=dt.date(2026, 12, 31))
    assert second.number == "P440704-2026-000002"
    assert (await _issue(issued_on=dt.date(2027, 1, 1))).number == "P440704-2027-000001"

    code = check_code(issued.number)
    r = await client.get(f"/api/v1/verify/{issued.number}", params={"c": code})
    assert r.status_code == 200
    body = r.json()
    assert {k: body[k] for k in ("valid", "kind", "issued_on", "holder_names_masked")} == {
        "valid": True,
        "kind": "probe_cert",
        "issued_on": "2026-05-20",
        "holder_names_masked": ["欧**娜", "李*"],
    }
    for c in (None, "", code[:-1] + ("0" if code[-1] != "0" else "1"), check_code(second.number)):
        r = await client.get(
            f"/api/v1/verify/{issued.number}", params={} if c is None else {"c": c}
        )
        assert r.json()["valid"] is False and r.json()["holder_names_masked"] == []
    r = await client.get("/api/v1/verify/P440704-2026-999999", params={"c": code})
    assert r.json()["valid"] is False

    await void_certificate(issued.number, "补发", replaced_by=second.number)
    r = await client.get(f"/api/v1/verify/{issued.number}", params={"c": code})
    assert r.json()["valid"] is False
    actions = [e["action"] for e in await AuditEvent.select(AuditEvent.action)]
    assert actions.count("probe.certificate.issued") == 3
    assert actions.count("core.certificate.voided") == 1


@pytest.mark.db
async def test_verify_page_answers_html_to_browsers_and_json_on_request(probe_client):
    # The probe plugin owns the certificates these tests issue (and declares their audit).
    client = probe_client
    issued = await _issue()
    url = issued.verify_url.removeprefix("http://testserver")
    html = await client.get(url, headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert "欧**娜" in html.text and "欧阳娜娜" not in html.text
    data = await client.get(url, headers={"accept": "application/json"})
    assert data.headers["content-type"].startswith("application/json")
    assert data.json()["valid"] is True and data.json()["certificate_no"] == issued.number
    forged = await client.get(url[:-1] + "x", headers={"accept": "application/json"})
    assert forged.json()["valid"] is False


@pytest.mark.db
async def test_hook_certificate_templates_draw_stored_certificates(probe_client):
    from core.certificates.service import certificate_pdf
    from core.refusals import Refusal

    issued = await _issue()
    assert await certificate_pdf(issued.number) == f"%PDF-probe {issued.number} 欧阳娜娜".encode()
    with pytest.raises(Refusal) as missing:
        await certificate_pdf("P440704-2026-424242")
    assert missing.value.status_code == 404
