"""Issue 14 item 7: printing at the window on real stock. The booklet layout puts each field at
its millimetre position, shifted by the office's printer calibration; the calibration grid shows
the same positions; the declaration and the review form are prefilled from the registration.
PDFs are read back with pypdf (text and where it is drawn)."""

from __future__ import annotations

import io

import pypdf
import pytest

from plugins.marriage.printing import LAYOUTS, booklet_fields, placed, render_booklet
from tests.plugins.marriage.support import couple, open_desk, party, register

MM = 72 / 25.4
CONTENT = {
    "kind": "marriage",
    "holder": "王强、李芳",
    "registered_on": "2026-06-02",
    "remarks": "男女双方自愿结婚，予以登记。",
    "parties": [
        {"role": "男方", "name": "王强", "sex": "男", "nationality": "中国",
         "birth_date": "1995-03-01", "id_number": "110105199503010011"},
        {"role": "女方", "name": "李芳", "sex": "女", "nationality": "中国",
         "birth_date": "1997-08-15", "id_number": "110105199708150020"},
    ],
}  # fmt: skip


def text_positions(pdf: bytes) -> dict[str, tuple[float, float]]:
    """Each drawn string with where it starts, in mm from the page's bottom-left."""
    found: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            found.setdefault(text.strip(), (x / MM, y / MM))

    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("offset", [(0.0, 0.0), (2.5, -1.5), (-4.0, 3.0)])
def test_booklet_fields_sit_at_their_millimetres_plus_the_calibration(offset):
    pdf = render_booklet("marriage", CONTENT, "J440704-2026-000001", offset_x_mm=offset[0],
                         offset_y_mm=offset[1])  # fmt: skip
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    assert round(float(page.mediabox.width) / MM) == 190  # the booklet's inner spread
    assert round(float(page.mediabox.height) / MM) == 130
    drawn = text_positions(pdf)
    expected = placed("marriage", *offset)
    fields = booklet_fields(CONTENT, "J440704-2026-000001")
    for key in ("holder", "certificate_no", "man.name", "woman.id_number", "registered_on"):
        x, y = drawn[fields[key]]
        assert (round(x, 1), round(y, 1)) == (
            round(expected[key][0], 1),
            round(expected[key][1], 1),
        )
    text = page.extract_text()
    assert "结婚证" not in text and "持证人" not in text  # the stock carries the labels


def test_every_field_lies_on_the_spread():
    for layout in LAYOUTS.values():
        for spot in layout.values():
            assert 5 <= spot.x <= 185 and 5 <= spot.y <= 125


@pytest.mark.db
async def test_clerk_prints_the_booklet_and_the_forms_with_the_offices_calibration(client):
    desk = await open_desk(client)
    man, woman = couple(1)
    result = await register(client, desk.clerk, party(man, "王强"), party(woman, "李芳"))
    assert result.status_code == 201, result.text
    number = result.json()["certificate_no"]
    registration = result.json()["id"]
    page = await client.get(f"/marriage/workbench/registrations/{registration}", headers=desk.clerk)
    for name in ("booklet", "declaration", "review"):
        assert f"/marriage/workbench/registrations/{registration}/{name}.pdf" in page.text

    r = await client.post(
        "/marriage/admin/offices/JH01/printer",
        data={"offset_x_mm": "1.5", "offset_y_mm": "-2"},
        headers=desk.admin,
    )
    assert r.status_code == 303
    refused = await client.post(
        "/marriage/admin/offices/JH01/printer", data={"offset_x_mm": "35"}, headers=desk.admin
    )
    assert refused.status_code == 303  # back to the page with the refusal
    booklet = await client.get(
        f"/marriage/workbench/registrations/{registration}/booklet.pdf", headers=desk.clerk
    )
    assert booklet.headers["content-type"] == "application/pdf"
    drawn = text_positions(booklet.content)
    x, y = drawn[number]
    spot = LAYOUTS["marriage"]["certificate_no"]
    assert (round(x, 1), round(y, 1)) == (spot.x + 1.5, spot.y - 2)
    assert "王强" in drawn and man in drawn

    grid = await client.get("/marriage/admin/offices/JH01/printer-test.pdf", headers=desk.admin)
    marks = text_positions(grid.content)
    assert round(marks["certificate_no"][0] - 1, 1) == spot.x + 1.5  # label 1 mm right of the cross
    assert "offset x +1.5 mm, y -2.0 mm" in marks

    declaration = await client.get(
        f"/marriage/workbench/registrations/{registration}/declaration.pdf", headers=desk.clerk
    )
    text = pypdf.PdfReader(io.BytesIO(declaration.content)).pages[0].extract_text()
    assert "申请结婚登记声明书" in text and "王强" in text and woman in text
    assert "没有直系血亲和三代以内旁系血亲关系" in text and "440704" in text
    review = await client.get(
        f"/marriage/workbench/registrations/{registration}/review.pdf", headers=desk.clerk
    )
    text = pypdf.PdfReader(io.BytesIO(review.content)).pages[0].extract_text()
    assert "婚姻登记审查处理表" in text and number in text and "结婚登记" in text
    meta = pypdf.PdfReader(io.BytesIO(review.content)).metadata
    assert meta.author == "江门市江海区民政局" and not meta["/CreationDate"].startswith("D:2000")

    stranger = await client.get(
        f"/marriage/workbench/registrations/{registration}/booklet.pdf", headers=desk.admin
    )
    assert stranger.status_code in (403, 404)  # not a clerk of this office
