"""Printing at the window on real stock (套打): the fields of a 结婚证 / 离婚证 placed in
millimetres on the pre-printed booklet's inner spread, shifted by the office printer's
calibration; a calibration grid; and the two forms the couple signs, prefilled from the
registration — 申请结婚登记声明书 and 婚姻登记审查处理表 — on A4.

The A4 certificate (``plugins.marriage.certificates``) stays the electronic copy (电子证照) with
its QR code. Positions are measured from the bottom-left corner of the spread, in millimetres.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from core.certificates.fonts import FontSet, default_fonts
from core.certificates.pdf import chinese_date, stamp_pdf

# The inner spread of the booklet (two 95 × 130 mm pages side by side), landscape.
BOOKLET_W_MM, BOOKLET_H_MM = 190.0, 130.0
GRID = HexColor("#9E9E9E")


@dataclass(frozen=True)
class Spot:
    """Where one field's text starts (its baseline), in mm from the spread's bottom-left."""

    x: float
    y: float
    size: float = 10.5


# One layout per certificate kind: the booklet's printed labels are on the stock; we print
# the values only. Right page: holder, date, number, remarks; left page: the two parties.
LAYOUTS: dict[str, dict[str, Spot]] = {
    kind: {
        "holder": Spot(122, 106),
        "registered_on": Spot(122, 96),
        "certificate_no": Spot(122, 86),
        "remarks": Spot(122, 76, 7.5),
        "man.name": Spot(26, 62),
        "man.sex": Spot(26, 54),
        "man.nationality": Spot(62, 54),
        "man.birth_date": Spot(26, 46),
        "man.id_number": Spot(26, 38),
        "woman.name": Spot(26, 28),
        "woman.sex": Spot(26, 20),
        "woman.nationality": Spot(62, 20),
        "woman.birth_date": Spot(26, 12),
        "woman.id_number": Spot(52, 12),
    }
    for kind in ("marriage", "divorce")
}


def booklet_fields(content: dict[str, Any], number: str) -> dict[str, str]:
    """The values printed on the booklet, by layout key, from the stored certificate content."""
    fields = {
        "holder": content.get("holder", ""),
        "registered_on": chinese_date(dt.date.fromisoformat(str(content["registered_on"]))),
        "certificate_no": number,
        "remarks": content.get("remarks", ""),
    }
    for party in content.get("parties", []):
        side = "man" if party["role"] == "男方" else "woman"
        fields[f"{side}.name"] = party["name"]
        fields[f"{side}.sex"] = party["sex"]
        fields[f"{side}.nationality"] = party["nationality"]
        fields[f"{side}.birth_date"] = chinese_date(dt.date.fromisoformat(party["birth_date"]))
        fields[f"{side}.id_number"] = party["id_number"]
    return fields


def placed(kind: str, offset_x_mm: float, offset_y_mm: float) -> dict[str, tuple[float, float]]:
    """Each field's position in mm after the printer's calibration."""
    return {
        key: (spot.x + offset_x_mm, spot.y + offset_y_mm) for key, spot in LAYOUTS[kind].items()
    }


def _wrap(fonts: FontSet, text: str, size: float, width_mm: float) -> list[str]:
    lines, current = [], ""
    for char in text:
        if fonts.width(current + char, size) > width_mm * mm and current:
            lines.append(current)
            current = char
        else:
            current += char
    return [*lines, current] if current else lines


def _canvas(out: io.BytesIO, size: tuple[float, float], title: str, when: dt.datetime) -> Canvas:
    canvas = Canvas(out, pagesize=size, invariant=1)
    stamp_pdf(canvas._doc, when, title=title, author="江门市江海区民政局", subject=title)
    return canvas


def render_booklet(
    kind: str,
    content: dict[str, Any],
    number: str,
    *,
    offset_x_mm: float = 0.0,
    offset_y_mm: float = 0.0,
    when: dt.datetime | None = None,
    fonts: FontSet | None = None,
) -> bytes:
    """The values of a certificate on the booklet's inner spread (no frame, no labels)."""
    fonts = fonts or default_fonts()
    out = io.BytesIO()
    title = f"{'结婚证' if kind == 'marriage' else '离婚证'}套打 {number}"
    canvas = _canvas(out, (BOOKLET_W_MM * mm, BOOKLET_H_MM * mm), title, when or _now())
    positions = placed(kind, offset_x_mm, offset_y_mm)
    for key, text in booklet_fields(content, number).items():
        if key not in positions or not text:
            continue
        x, y = positions[key]
        size = LAYOUTS[kind][key].size
        if key == "remarks":
            for line_no, line in enumerate(_wrap(fonts, text, size, 60)):
                fonts.draw_string(canvas, x * mm, (y - line_no * 4) * mm, line, size)
        else:
            fonts.draw_string(canvas, x * mm, y * mm, text, size)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def render_calibration_grid(
    kind: str, *, offset_x_mm: float = 0.0, offset_y_mm: float = 0.0, fonts: FontSet | None = None
) -> bytes:
    """A test print on plain paper or a spoiled booklet: a 10 mm grid over the spread with the
    current offsets applied, and a cross with its field name where each value would start."""
    fonts = fonts or default_fonts()
    out = io.BytesIO()
    canvas = _canvas(out, (BOOKLET_W_MM * mm, BOOKLET_H_MM * mm), "套打校准网格", _now())
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.2)
    for x in range(0, int(BOOKLET_W_MM) + 1, 10):
        canvas.line((x + offset_x_mm) * mm, 0, (x + offset_x_mm) * mm, BOOKLET_H_MM * mm)
        fonts.draw_string(canvas, (x + offset_x_mm + 0.5) * mm, 1 * mm, str(x), 5, color=GRID)
    for y in range(0, int(BOOKLET_H_MM) + 1, 10):
        canvas.line(0, (y + offset_y_mm) * mm, BOOKLET_W_MM * mm, (y + offset_y_mm) * mm)
        fonts.draw_string(canvas, 1 * mm, (y + offset_y_mm + 0.5) * mm, str(y), 5, color=GRID)
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.4)
    for key, (x, y) in placed(kind, offset_x_mm, offset_y_mm).items():
        canvas.line((x - 2) * mm, y * mm, (x + 2) * mm, y * mm)
        canvas.line(x * mm, (y - 2) * mm, x * mm, (y + 2) * mm)
        fonts.draw_string(canvas, (x + 1) * mm, (y + 1) * mm, key, 6)
    label = f"offset x {offset_x_mm:+.1f} mm, y {offset_y_mm:+.1f} mm"
    fonts.draw_string(canvas, 100 * mm, 3 * mm, label, 7)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


# --- the forms the couple signs (A4) -------------------------------------------------------

DECLARATION = (
    "本人与对方均无配偶，没有直系血亲和三代以内旁系血亲关系，了解对方的身体健康状况，"
    "现依照《中华人民共和国民法典》的规定，自愿结婚。本人上述声明完全真实，如有虚假，愿意承担法律责任。"
)


def _party_rows(party: dict[str, Any], hukou: str) -> list[tuple[str, str]]:
    return [
        ("姓名", party["name"]),
        ("性别", party["sex"]),
        ("国籍", party["nationality"]),
        ("出生日期", chinese_date(dt.date.fromisoformat(party["birth_date"]))),
        ("身份证件号", party["id_number"]),
        ("户籍所在地（区划代码）", hukou),
    ]


def _form(
    title: str,
    blocks: Sequence[tuple[str, list[tuple[str, str]]]],
    closing: Sequence[str],
    when: dt.datetime,
    fonts: FontSet | None = None,
) -> bytes:
    fonts = fonts or default_fonts()
    out = io.BytesIO()
    canvas = _canvas(out, A4, title, when)
    width, height = A4
    fonts.draw_string(canvas, width / 2, height - 30 * mm, title, 18, align="center", bold=True)
    y = height - 45 * mm
    for heading, rows in blocks:
        fonts.draw_string(canvas, 20 * mm, y, heading, 12, bold=True)
        y -= 8 * mm
        for label, value in rows:
            fonts.draw_string(canvas, 25 * mm, y, f"{label}：", 10.5)
            fonts.draw_string(canvas, 75 * mm, y, value, 10.5)
            canvas.setLineWidth(0.3)
            canvas.line(74 * mm, y - 1.5 * mm, 190 * mm, y - 1.5 * mm)
            y -= 7.5 * mm
        y -= 4 * mm
    for paragraph in closing:
        for line in _wrap(fonts, paragraph, 10.5, 165):
            fonts.draw_string(canvas, 20 * mm, y, line, 10.5)
            y -= 6.5 * mm
        y -= 3 * mm
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def render_declaration(
    registration: dict[str, Any], parties: Sequence[dict[str, Any]], when: dt.datetime
) -> bytes:
    """申请结婚登记声明书: both parties' particulars, the statutory declaration, one signature
    line each (signed in front of the registrar)."""
    blocks = [
        (f"{party['role']}", _party_rows(party, party.get("hukou_division", "")))
        for party in parties
    ]
    closing = [
        DECLARATION,
        "声明人（男方）签名（按指纹）：____________　　声明人（女方）签名（按指纹）：____________",
        "监誓人（登记员）签名：____________　　"
        f"日期：{chinese_date(registration['registered_on'])}",
    ]
    return _form("申请结婚登记声明书", blocks, closing, when)


def render_review_form(
    registration: dict[str, Any],
    parties: Sequence[dict[str, Any]],
    office: dict[str, Any],
    clerk: str,
    when: dt.datetime,
) -> bytes:
    """婚姻登记审查处理表: the registration's facts for the archive, the review and the
    decision, prefilled; signatures by hand."""
    kind = "结婚登记" if registration["kind"] == "marriage" else "离婚登记"
    facts = [
        ("登记类别", kind),
        ("登记机关", office["name"]),
        ("登记日期", chinese_date(registration["registered_on"])),
        ("证件字号", registration["certificate_no"]),
        ("预约码", registration.get("appointment_code") or "—"),
        ("跨省通办", "是" if registration.get("cross_province") else "否"),
    ]
    blocks = [("登记信息", facts)] + [
        (party["role"], _party_rows(party, party.get("hukou_division", ""))) for party in parties
    ]
    closing = [
        "审查意见：当事人提交的证件和证明材料齐全，符合《婚姻登记条例》规定，予以登记。",
        f"登记员：{clerk}　　签名：____________　　"
        f"日期：{chinese_date(registration['registered_on'])}",
        "审批意见：____________________　　审批人签名：____________",
    ]
    return _form("婚姻登记审查处理表", blocks, closing, when)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
