"""Render certificates (证书) and tabular statements (报表) to PDF bytes with ReportLab.

Pure: data in, bytes out. Rendering is serialised by a lock because ReportLab's TrueType subsetter
moves a read cursor shared by every document using the same font.
"""

import io
import itertools
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import partial
from typing import Any

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import FILL_NON_ZERO, Canvas
from reportlab.platypus import Flowable, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from core.certificates.fonts import FontSet, default_fonts


@dataclass(frozen=True)
class Section:
    heading: str | None
    rows: Sequence[tuple[str, str]]  # (label, value), e.g. ("姓名 Name", "王䶮")


BUREAU = "江门市江海区民政局"  # the author of every document the platform prints


@dataclass(frozen=True)
class CertificateDocument:
    title: str  # "结婚证"
    title_en: str | None  # "Marriage Certificate"
    number: str  # "J440704-2026-000001"
    sections: Sequence[Section]
    issued_on: date
    issuer: str  # "江门市江海区民政局婚姻登记处"
    verify_url: str  # encoded in the QR code
    remarks: str | None = None
    issued_at: datetime | None = None
    """The moment of issue (the PDF's creation date); midnight of ``issued_on`` when unknown."""


@dataclass(frozen=True)
class TableReport:
    title: str
    subtitle: str | None
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]  # already formatted text; may span many pages
    footer: str | None = None
    author: str = BUREAU
    created_at: datetime | None = None
    """When the report was made (the PDF's creation date); now when unknown."""


ACCENT = HexColor("#9E1B1B")  # the red of Chinese official certificates
MUTED = HexColor("#5A5A5A")
RULE = HexColor("#DDDDDD")
STRIPE = HexColor("#F6F3F0")

_RENDER_LOCK = threading.Lock()
CHINA = timezone(timedelta(hours=8))


def stamp_pdf(doc: Any, when: datetime, *, title: str, author: str, subject: str) -> None:
    """Real metadata on a ReportLab document (``Canvas._doc``): creation date ``when`` (China
    time) instead of ReportLab's invariant 2000-01-01, and the title, author and subject instead
    of "untitled"/"anonymous"; the output stays byte-for-byte reproducible for one moment."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=CHINA)
    local = when.astimezone(CHINA)
    stamp = doc._timeStamp
    stamp.t = local.timestamp()
    stamp.YMDhms = (local.year, local.month, local.day, local.hour, local.minute, local.second)
    stamp.dhh, stamp.dmm, stamp.tzname = 8, 0, "CST"
    doc.info.title, doc.info.author, doc.info.subject = title, author, subject
    doc.info.creator = "Minzheng 民政"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def page_label(page: int, pages: int) -> str:
    return f"第 {page} 页 / 共 {pages} 页"


def _fit(fonts: FontSet, text: str, size: float, width: float, char_space: float = 0) -> float:
    """`size`, or smaller so that one line of `text` fits in `width`."""
    natural = fonts.width(text, size) + char_space * max(len(text) - 1, 0)
    return size if natural <= width else size * width / natural


class _TextBox:
    """Text in a fixed width: one line is drawn directly (fast); longer text wraps (Paragraph)."""

    def __init__(
        self, fonts: FontSet, text: str, width: float, size: float, color: Color = MUTED
    ) -> None:
        self.fonts, self.text, self.size, self.color = fonts, text, size, color
        self.paragraph: Paragraph | None = None
        self.height = size * 1.35
        if "\n" in text or fonts.width(text, size) > width:
            style = ParagraphStyle(
                "box",
                fontName=fonts.primary_name,
                fontSize=size,
                leading=self.height,
                textColor=color,
                wordWrap="CJK",
            )
            self.paragraph = Paragraph(fonts.markup(text), style)
            self.height = self.paragraph.wrap(width, 10_000)[1]

    def draw(self, canvas: Canvas, x: float, top: float) -> None:
        if self.paragraph is not None:
            self.paragraph.drawOn(canvas, x, top - self.height)
        else:
            self.fonts.draw_string(
                canvas, x, top - self.size, self.text, self.size, color=self.color
            )


# --- certificate --------------------------------------------------------------------------

PAGE_W, PAGE_H = A4
MARGIN = 60
CONTENT_W = PAGE_W - 2 * MARGIN
LABEL_W = 132
VALUE_X = MARGIN + LABEL_W + 12
VALUE_W = PAGE_W - MARGIN - VALUE_X
FIRST_TOP = PAGE_H - 182  # content starts below the full title block
NEXT_TOP = PAGE_H - 130  # and below the short header on continuation pages
FOOTER_TOP = 210  # the QR code and issuer block sit below this on the last page
BOTTOM = 64
QR_SIZE = 96

# A block: (height, draws itself given the canvas and its top y, keep with the next block)
_Block = tuple[float, Callable[[Canvas, float], None], bool]


def _heading_block(fonts: FontSet, text: str) -> _Block:
    def draw(canvas: Canvas, top: float) -> None:
        canvas.setFillColor(ACCENT)
        canvas.rect(MARGIN, top - 22, 3.5, 13, stroke=0, fill=1)
        fonts.draw_string(canvas, MARGIN + 10, top - 20, text, 12, bold=True, color=ACCENT)
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, top - 27, PAGE_W - MARGIN, top - 27)

    return 30, draw, True


def _row_block(fonts: FontSet, label: str, value: str) -> _Block:
    label_box = _TextBox(fonts, label, LABEL_W, 9.5)
    value_box = _TextBox(fonts, value, VALUE_W, 12, color=HexColor("#111111"))
    height = max(label_box.height + 2.5, value_box.height) + 9

    def draw(canvas: Canvas, top: float) -> None:
        label_box.draw(canvas, MARGIN + 4, top - 7)
        value_box.draw(canvas, VALUE_X, top - 4.5)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - height, PAGE_W - MARGIN, top - height)

    return height, draw, False


def _remarks_block(fonts: FontSet, remarks: str) -> _Block:
    box = _TextBox(fonts, remarks, CONTENT_W - 8, 10.5, color=HexColor("#222222"))
    return box.height + 16, lambda canvas, top: box.draw(canvas, MARGIN + 4, top - 8), False


def _blocks(fonts: FontSet, doc: CertificateDocument) -> list[_Block]:
    blocks: list[_Block] = []
    for section in doc.sections:
        if section.heading:
            blocks.append(_heading_block(fonts, section.heading))
        blocks.extend(_row_block(fonts, label, value) for label, value in section.rows)
    if doc.remarks:
        blocks.append(_heading_block(fonts, "备注 Remarks"))
        blocks.append(_remarks_block(fonts, doc.remarks))
    return blocks


def _paginate(blocks: list[_Block]) -> list[list[_Block]]:
    """Fill pages greedily, then make room for the footer on the last page."""
    pages: list[list[_Block]] = [[]]
    room = FIRST_TOP - BOTTOM
    for block in blocks:
        if block[0] > room and pages[-1]:
            pages.append([])
            room = NEXT_TOP - BOTTOM
        pages[-1].append(block)
        room -= block[0]
    last_top = FIRST_TOP if len(pages) == 1 else NEXT_TOP
    moved: list[_Block] = []
    while sum(b[0] for b in pages[-1]) > last_top - FOOTER_TOP and len(pages[-1]) > 1:
        moved.insert(0, pages[-1].pop())
    if moved:
        pages.append(moved)
    for page, following in itertools.pairwise(pages):
        while len(page) > 1 and page[-1][2]:  # no heading alone at the foot of a page
            following.insert(0, page.pop())
    return pages


def _draw_frame(canvas: Canvas) -> None:
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.8)
    canvas.rect(26, 26, PAGE_W - 52, PAGE_H - 52)
    canvas.setLineWidth(0.5)
    canvas.rect(32, 32, PAGE_W - 64, PAGE_H - 64)


def _draw_title(canvas: Canvas, fonts: FontSet, doc: CertificateDocument) -> None:
    spacing = 16 if len(doc.title) <= 4 else 3  # short titles are spaced out: 结 婚 证
    size = _fit(fonts, doc.title, 32, CONTENT_W, spacing)
    fonts.draw_string(
        canvas,
        PAGE_W / 2,
        PAGE_H - 104,
        doc.title,
        size,
        align="center",
        char_space=spacing,
        bold=True,
        color=ACCENT,
    )
    if doc.title_en:
        size = _fit(fonts, doc.title_en, 13, CONTENT_W)
        fonts.draw_string(
            canvas, PAGE_W / 2, PAGE_H - 130, doc.title_en, size, align="center", color=MUTED
        )
    fonts.draw_string(
        canvas, PAGE_W / 2, PAGE_H - 156, f"编号 No. {doc.number}", 10.5, align="center"
    )
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, PAGE_H - 170, PAGE_W - MARGIN, PAGE_H - 170)


def _draw_short_title(canvas: Canvas, fonts: FontSet, doc: CertificateDocument) -> None:
    fonts.draw_string(
        canvas, MARGIN, PAGE_H - 84, f"{doc.title}（续）", 15, bold=True, color=ACCENT
    )
    fonts.draw_string(
        canvas,
        PAGE_W - MARGIN,
        PAGE_H - 84,
        f"编号 No. {doc.number}",
        9.5,
        align="right",
        color=MUTED,
    )
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN, PAGE_H - 96, PAGE_W - MARGIN, PAGE_H - 96)


def _draw_footer(canvas: Canvas, fonts: FontSet, doc: CertificateDocument) -> None:
    qr_y = 96
    _draw_qr(canvas, doc.verify_url, MARGIN, qr_y, QR_SIZE)
    # The caption keeps a quiet zone of about four modules below the code.
    fonts.draw_string(canvas, MARGIN, qr_y - 22, "扫码核验 Scan to verify", 9)
    url_size = _fit(fonts, doc.verify_url, 7, CONTENT_W)
    fonts.draw_string(canvas, MARGIN, qr_y - 34, doc.verify_url, url_size, color=MUTED)

    right = PAGE_W - MARGIN
    issued = [
        ("发证机关 Issuing authority", doc.issuer),
        ("发证日期 Date of issue", chinese_date(doc.issued_on)),
    ]
    y = qr_y + QR_SIZE - 9
    for label, value in issued:
        fonts.draw_string(canvas, right, y, label, 9, align="right", color=MUTED)
        size = _fit(fonts, value, 13.5, CONTENT_W - QR_SIZE - 24)  # clear of the QR code
        fonts.draw_string(canvas, right, y - 19, value, size, align="right")
        y -= 50


class _FixedMaskQRCode(QRCode):
    """ReportLab's QR encoder without the mask search, which is ~80% of its time (8 trial encodes).

    Decoders read the mask from the symbol's format information, so any mask scans; on verify
    URLs mask 4 scores on average within 4% of the best mask's penalty.
    """

    def getBestMaskPattern(self) -> int:
        return 4


def _draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """The QR code as one filled path of dark runs: faster and smaller than a rect per run."""
    qr = _FixedMaskQRCode(None, QRErrorCorrectLevel.M)
    qr.addData(value)
    qr.make()
    module = size / qr.getModuleCount()
    path = canvas.beginPath()
    for r, row in enumerate(qr.modules):
        column = 0
        for dark, group in itertools.groupby(row):
            count = len(list(group))
            if dark:
                path.rect(x + column * module, y + size - (r + 1) * module, count * module, module)
            column += count
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)


def render_certificate(doc: CertificateDocument, *, fonts: FontSet | None = None) -> bytes:
    """One certificate, A4 portrait; continues onto further pages only if its rows do not fit."""
    fonts = fonts or default_fonts()
    with _RENDER_LOCK:
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=A4, invariant=1)
        when = doc.issued_at or datetime.combine(doc.issued_on, time(0), CHINA)
        stamp_pdf(
            canvas._doc,
            when,
            title=f"{doc.title} {doc.number}",
            author=doc.issuer,
            subject=doc.title_en or doc.title,
        )
        pages = _paginate(_blocks(fonts, doc))
        for number, blocks in enumerate(pages, start=1):
            _draw_frame(canvas)
            if number == 1:
                _draw_title(canvas, fonts, doc)
            else:
                _draw_short_title(canvas, fonts, doc)
            top = FIRST_TOP if number == 1 else NEXT_TOP
            for height, draw, _ in blocks:
                draw(canvas, top)
                top -= height
            if number == len(pages):
                _draw_footer(canvas, fonts, doc)
            if len(pages) > 1:
                label = page_label(number, len(pages))
                fonts.draw_string(canvas, PAGE_W / 2, 42, label, 8, align="center", color=MUTED)
            canvas.showPage()
        canvas.save()
        return out.getvalue()


# --- table report -------------------------------------------------------------------------

# Amounts and counts align right; long bare digit strings are identifiers (ID, phone numbers).
_QUANTITY = re.compile(r"[-+]?[¥$]?(\d{1,3}(,\d{3})+|\d{1,9})(\.\d+)?%?")


class _CenteredLine(Flowable):
    def __init__(self, fonts: FontSet, text: str, size: float, *, bold: bool, color: Color):
        super().__init__()
        self.fonts, self.text, self.size, self.bold, self.color = fonts, text, size, bold, color
        self.height = size * 1.5

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        size = _fit(self.fonts, self.text, self.size, self.width)
        self.fonts.draw_string(
            self.canv,
            self.width / 2,
            self.size * 0.4,
            self.text,
            size,
            align="center",
            bold=self.bold,
            color=self.color,
        )


class _NumberedCanvas(Canvas):
    """Holds pages back until the end, so each can say how many pages there are."""

    def __init__(
        self,
        *args,
        fonts: FontSet,
        title: str,
        margin: float,
        author: str,
        when: datetime,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._fonts, self._title, self._margin = fonts, title, margin
        stamp_pdf(self._doc, when, title=title, author=author, subject=title)
        self._size = kwargs["pagesize"]
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        width, height = self._size
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            if number > 1:
                self._fonts.draw_string(
                    self, self._margin, height - 30, self._title, 8, color=MUTED
                )
            self._fonts.draw_string(
                self, width / 2, 24, page_label(number, total), 8.5, align="center", color=MUTED
            )
            super().showPage()
        super().save()


def _natural_widths(fonts: FontSet, report: TableReport, size: float) -> list[float]:
    """Each column's widest cell plus padding."""
    widths = [fonts.width(name, size) + 12 for name in report.columns]
    for row in report.rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], fonts.width(cell, size) + 12)
    return widths


def _column_widths(natural: list[float], avail: float) -> list[float]:
    """Share the width in proportion to content, so no column is starved or bloated."""
    capped = [min(max(w, 36), avail * 0.45) for w in natural]
    scale = avail / sum(capped)
    return [w * scale for w in capped]


def render_table_report(report: TableReport, *, fonts: FontSet | None = None) -> bytes:
    """A multi-page table; the header row repeats on every page, pages are numbered."""
    for number, row in enumerate(report.rows, start=1):
        if len(row) != len(report.columns):
            raise ValueError(f"row {number} has {len(row)} cells, expected {len(report.columns)}")
    fonts = fonts or default_fonts()
    size = 9
    margin = 40
    natural = _natural_widths(fonts, report, size)
    pagesize = A4 if sum(natural) <= A4[0] - 2 * margin else landscape(A4)
    with _RENDER_LOCK:
        out = io.BytesIO()
        template = SimpleDocTemplate(
            out,
            pagesize=pagesize,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=48,
            bottomMargin=48,
            title=report.title,
            author=report.author,
            subject=report.title,
            creator="Minzheng 民政",
            invariant=1,
        )
        widths = _column_widths(natural, template.width)
        numeric = [
            bool(report.rows) and all(_QUANTITY.fullmatch(row[i]) for row in report.rows if row[i])
            for i in range(len(report.columns))
        ]
        cell_style = ParagraphStyle(
            "cell", fontName=fonts.primary_name, fontSize=size, leading=size * 1.3, wordWrap="CJK"
        )
        right_style = ParagraphStyle("cell-right", parent=cell_style, alignment=TA_RIGHT)
        header_style = ParagraphStyle("header", parent=cell_style, textColor=white)
        header_right = ParagraphStyle("header-right", parent=header_style, alignment=TA_RIGHT)

        def cell(text: str, col: int, style: ParagraphStyle) -> str | Paragraph:
            fits = fonts.width(text, size) <= widths[col] - 12 and "\n" not in text
            if fits and len(fonts.runs(text)) <= 1:
                return text  # plain cells draw much faster than paragraphs
            return Paragraph(fonts.markup(text), style)

        data = [
            [
                cell(name, i, header_right if numeric[i] else header_style)
                for i, name in enumerate(report.columns)
            ]
        ]
        data += [
            [cell(text, i, right_style if numeric[i] else cell_style) for i, text in enumerate(row)]
            for row in report.rows
        ]
        style = [
            ("FONTNAME", (0, 0), (-1, -1), fonts.primary_name),
            ("FONTSIZE", (0, 0), (-1, -1), size),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
            ("TEXTCOLOR", (0, 0), (-1, 0), white),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [white, STRIPE]),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("BOX", (0, 0), (-1, -1), 0.6, MUTED),
        ]
        style += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i, n in enumerate(numeric) if n]
        table = LongTable(data, colWidths=widths, repeatRows=1, style=TableStyle(style))

        story: list[Flowable] = [_CenteredLine(fonts, report.title, 17, bold=True, color=ACCENT)]
        if report.subtitle:
            story.append(_CenteredLine(fonts, report.subtitle, 10, bold=False, color=MUTED))
        story += [Spacer(1, 10), table]
        if report.footer:
            footer_style = ParagraphStyle("footer", parent=cell_style, textColor=MUTED)
            story += [Spacer(1, 8), Paragraph(fonts.markup(report.footer), footer_style)]
        canvasmaker = partial(
            _NumberedCanvas,
            fonts=fonts,
            title=report.title,
            margin=margin,
            author=report.author,
            when=report.created_at or datetime.now(CHINA),
        )
        template.build(story, canvasmaker=canvasmaker)
        return out.getvalue()
