"""Certificates and table reports as PDF: text extracts, pages render, the QR code scans."""

import io
import itertools
import logging
import shutil
import subprocess
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from reportlab.pdfbase.ttfonts import makeToUnicodeCMap

from core.certificates.fonts import (
    FALLBACK_FONTS,
    PRIMARY_FONTS,
    FontSet,
    default_fonts,
    font_status,
    to_unicode_cmap,
)
from core.certificates.pdf import (
    CertificateDocument,
    Section,
    TableReport,
    chinese_date,
    render_certificate,
    render_table_report,
)

HAS_CJK_FONTS = Path(PRIMARY_FONTS[0].path).is_file() and Path(FALLBACK_FONTS[0].path).is_file()
needs_fonts = pytest.mark.skipif(
    not HAS_CJK_FONTS, reason="needs Debian fonts-wqy-zenhei and fonts-hanazono"
)
needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm missing (Debian poppler-utils)"
)
needs_zbarimg = pytest.mark.skipif(
    shutil.which("zbarimg") is None, reason="zbarimg missing (Debian zbar-tools)"
)

ADDRESS = "广东省江门市江海区外海街道江海四路" + "金汇花园" * 10 + "8栋1203房 <A&B>"

MARRIAGE = CertificateDocument(
    title="结婚证",
    title_en="Marriage Certificate",
    number="J440704-2026-000001",
    sections=[
        Section(
            "持证人 Holder",
            [
                ("姓名 Name", "王𪚥明"),
                ("性别 Sex", "男 Male"),
                ("出生日期 Date of birth", "1990年5月1日"),
                ("身份证件号 ID number", "440704199005011234"),
            ],
        ),
        Section(
            "配偶 Spouse",
            [
                ("姓名 Name", "李䶮"),
                ("出生日期 Date of birth", "1992年3月8日"),
                ("住址 Address", ADDRESS),
            ],
        ),
    ],
    issued_on=date(2026, 11, 29),
    issuer="江门市江海区民政局婚姻登记处",
    verify_url="https://minzheng.jianghai.gov.cn/verify/J440704-2026-000001?c=8f3a9c2e",
    remarks="经核验有效。Valid when verified.",
)


def page_fonts(pdf: bytes) -> dict[str, pypdf.generic.DictionaryObject]:
    """Fonts of page 1 by base name."""
    resources = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    fonts = [font.get_object() for font in resources.values()]
    return {str(font["/BaseFont"]): font for font in fonts}


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return text.replace("\n", "")


def render_png(pdf: bytes, tmp_path: Path, page: int = 1, dpi: int = 110) -> Path:
    pdf_path = tmp_path / "doc.pdf"
    pdf_path.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf_path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    return tmp_path / "page.png"


def ink_share(png: Path) -> float:
    """Share of pixels that are clearly not paper white."""
    gray = Image.open(png).convert("L")
    histogram = gray.histogram()
    return sum(histogram[:200]) / (gray.width * gray.height)


def scan_qr(png: Path) -> str:
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


# --- certificate -------------------------------------------------------------------------


def test_certificate_text_extracts_with_every_name_number_and_date():
    [text] = pages_text(render_certificate(MARRIAGE))
    assert "结婚证" in text and "Marriage Certificate" in text
    assert "J440704-2026-000001" in text
    assert "王𪚥明" in text  # Ext-B, drawn with the fallback font
    assert "李䶮" in text  # Ext-A
    assert "2026年11月29日" in text
    assert "江门市江海区民政局婚姻登记处" in text
    assert "扫码核验 Scan to verify" in text
    assert MARRIAGE.verify_url in text
    assert "经核验有效。Valid when verified." in text


def test_long_value_wraps_without_losing_text_and_markup_characters_stay_literal():
    [text] = pages_text(render_certificate(MARRIAGE))
    assert ADDRESS in flat(text)


@needs_fonts
def test_ext_b_name_uses_the_fallback_font_and_both_fonts_are_embedded():
    fonts = page_fonts(render_certificate(MARRIAGE))
    for face in ("WenQuanYiZenHei", "HanaMinB"):
        [font] = [font for name, font in fonts.items() if face in name]
        assert "/FontFile2" in font["/FontDescriptor"]  # embedded TrueType subset


@needs_fonts
def test_a_certificate_without_rare_characters_does_not_embed_the_fallback_font():
    plain = replace(MARRIAGE, sections=[Section(None, [("姓名 Name", "王明")])])
    assert b"HanaMin" not in render_certificate(plain)


def test_the_same_certificate_renders_to_identical_bytes():
    assert render_certificate(MARRIAGE) == render_certificate(MARRIAGE)


def test_many_rows_continue_on_a_second_page_with_number_and_page_labels():
    rows = [(f"子女 Child {i}", f"王小{i}") for i in range(1, 41)]
    doc = replace(MARRIAGE, sections=[Section("子女 Children", rows)], remarks=None)
    first, second = pages_text(render_certificate(doc))
    for page_text, label in ((first, "第 1 页 / 共 2 页"), (second, "第 2 页 / 共 2 页")):
        assert "J440704-2026-000001" in page_text
        assert label in page_text
    assert "扫码核验" not in first and "扫码核验" in second  # QR and issuer close the document
    assert all(f"王小{i}" in first + second for i in range(1, 41))


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2026, 11, 29), "2026年11月29日"), (date(2027, 1, 5), "2027年1月5日")],
)
def test_issue_date_is_written_the_chinese_way(day, expected):
    assert chinese_date(day) == expected
    [text] = pages_text(render_certificate(replace(MARRIAGE, issued_on=day)))
    assert expected in text


@needs_pdftoppm
def test_certificate_page_renders_with_ink_on_it(tmp_path):
    share = ink_share(render_png(render_certificate(MARRIAGE), tmp_path))
    assert 0.02 < share < 0.5  # text, frame and QR drawn; not a blank or black page


@needs_pdftoppm
@needs_zbarimg
@pytest.mark.parametrize(
    "url",
    [
        MARRIAGE.verify_url,
        "https://mz.example.cn/v/1",
        "https://minzheng.jianghai.gov.cn/verify/D440704-2026-123456?c=" + "f" * 40,
    ],
)
def test_qr_code_scans_back_to_the_verify_url(tmp_path, url):
    png = render_png(render_certificate(replace(MARRIAGE, verify_url=url)), tmp_path)
    assert scan_qr(png) == url


def test_concurrent_renders_each_produce_their_own_certificate():
    numbers = [f"J440704-2026-{n:06d}" for n in range(1, 9)]
    results: dict[str, bytes] = {}

    def render(number: str) -> None:
        results[number] = render_certificate(replace(MARRIAGE, number=number))

    threads = [threading.Thread(target=render, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for number in numbers:
        [text] = pages_text(results[number])
        assert number in text and "王𪚥明" in text


# --- table report ------------------------------------------------------------------------

COLUMNS = ["序号", "姓名", "身份证号", "街道", "金额（元）"]


def settlement(rows: int) -> TableReport:
    return TableReport(
        title="2026年11月 低保金发放汇总表",
        subtitle="江门市江海区民政局",
        columns=COLUMNS,
        rows=[
            [
                f"{i:03d}",
                "王𪚥明" if i == 7 else "李䶮",
                f"44070419900501{i:04d}",
                "外海街道",
                f"{1000 + i:,.2f}",
            ]
            for i in range(1, rows + 1)
        ],
        footer="制表：社会救助股",
    )


def test_table_report_repeats_header_and_numbers_pages():
    rows = 100  # three A4 pages
    pages = pages_text(render_table_report(settlement(rows)))
    assert len(pages) == 3
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 / 共 3 页" in text
        assert all(column in text for column in COLUMNS)
    text = "".join(pages)
    assert "2026年11月 低保金发放汇总表" in pages[0]
    assert all(f"44070419900501{i:04d}" in text for i in range(1, rows + 1))
    assert "王𪚥明" in text and "1,100.00" in text
    assert "制表：社会救助股" in pages[-1]


@needs_pdftoppm
def test_table_report_pages_render_with_ink(tmp_path):
    pdf = render_table_report(settlement(100))
    assert ink_share(render_png(pdf, tmp_path, page=3)) > 0.01


def test_long_cells_wrap_inside_their_column():
    remark = "因家庭成员变动，" * 12 + "待复核"
    report = TableReport("复核清单", None, ["姓名", "备注"], [["李䶮", remark]])
    [text] = pages_text(render_table_report(report))
    assert remark in flat(text)


def test_an_empty_report_still_shows_its_header_and_page_number():
    [text] = pages_text(render_table_report(TableReport("空表", None, COLUMNS, [])))
    assert all(column in text for column in COLUMNS) and "第 1 页 / 共 1 页" in text


def test_a_row_with_the_wrong_number_of_cells_is_rejected():
    report = TableReport("表", None, COLUMNS, [["001", "李䶮"]])
    with pytest.raises(ValueError, match="row 1 has 2 cells, expected 5"):
        render_table_report(report)


# --- fonts -------------------------------------------------------------------------------


@needs_fonts
def test_mixed_name_splits_into_runs_by_font():
    fonts = default_fonts()
    assert fonts.runs("王𪚥明") == [
        ("WenQuanYiZenHei", "王"),
        ("HanaMinB", "𪚥"),
        ("WenQuanYiZenHei", "明"),
    ]


@needs_fonts
@given(st.text(alphabet=st.sampled_from("王明䶮𪚥𠀀abc 1-，"), max_size=30))
def test_runs_cover_the_text_and_alternate_fonts(text):
    runs = default_fonts().runs(text)
    assert "".join(chunk for _, chunk in runs) == text
    assert all(a[0] != b[0] for a, b in itertools.pairwise(runs))


@needs_fonts
def test_font_status_reports_the_embedded_fonts():
    status = font_status()
    assert status["mode"] == "embedded"
    assert status["primary"]["path"] == PRIMARY_FONTS[0].path
    assert status["warning"] is None
    assert [f["name"] for f in status["fallbacks"]] == ["HanaMinB", "HanaMinA"]


def test_ext_b_destinations_are_written_as_surrogate_pairs():
    cmap = to_unicode_cmap("F", [0, 0x738B, 0x2A6A5])
    assert "<01> <738B>" in cmap
    assert "<02> <D869DEA5>" in cmap


@given(st.lists(st.integers(0, 0xD7FF), min_size=1, max_size=256))
def test_bmp_cmaps_are_unchanged_from_reportlab(subset):
    assert to_unicode_cmap("F", subset) == makeToUnicodeCMap("F", subset)


def test_without_cjk_truetype_fonts_documents_still_render_with_the_cid_font(caplog):
    fonts = FontSet(primary=[], fallbacks=[])
    with caplog.at_level(logging.WARNING, logger="core.certificates.fonts"):
        certificate = render_certificate(MARRIAGE, fonts=fonts)
        report = render_table_report(settlement(5), fonts=fonts)
    assert "STSong-Light" in caplog.text and "fonts-wqy-zenhei" in caplog.text
    assert fonts.status()["mode"] == "cid-fallback"
    assert fonts.status()["warning"]

    [text] = pages_text(certificate)
    assert "J440704-2026-000001" in text and "李䶮" in text and "2026年11月29日" in text
    assert "王〓明" in text  # STSong-Light cannot encode Ext-B: marked, not misprinted
    names = page_fonts(certificate)
    assert "/STSong-Light" in names
    assert not any("WenQuanYi" in name or "HanaMin" in name for name in names)
    assert "第 1 页 / 共 1 页" in pages_text(report)[0]


def test_pdf_metadata_names_the_bureau_and_the_moment_of_issue():
    """Issue 14 item 8: no year-2000 dates, no "anonymous" author, a real title."""
    from datetime import datetime

    meta = pypdf.PdfReader(io.BytesIO(render_certificate(MARRIAGE))).metadata
    assert meta.title == "结婚证 J440704-2026-000001"
    assert meta.author == "江门市江海区民政局婚姻登记处" and meta.subject == "Marriage Certificate"
    assert meta["/CreationDate"] == "D:20261129000000+08'00'"
    issued = replace(MARRIAGE, issued_at=datetime(2026, 11, 29, 10, 15, 30))
    meta = pypdf.PdfReader(io.BytesIO(render_certificate(issued))).metadata
    assert meta["/CreationDate"] == "D:20261129101530+08'00'"

    report = TableReport("殡葬减免结算", None, ["殡仪馆", "金额"], [["江门市殡仪馆", "1,000.00"]],
                         created_at=datetime(2026, 12, 1, 8, 0))  # fmt: skip
    meta = pypdf.PdfReader(io.BytesIO(render_table_report(report))).metadata
    assert meta.title == "殡葬减免结算" and meta.author == "江门市江海区民政局"
    assert meta["/CreationDate"] == "D:20261201080000+08'00'"
    now = pypdf.PdfReader(io.BytesIO(render_table_report(replace(report, created_at=None))))
    assert now.metadata["/CreationDate"][2:6] >= "2026"  # not ReportLab's invariant 2000
    assert "anonymous" not in str(dict(now.metadata))
