"""Certificates and reports per second on one core: `python -m bench.certificate_pdf`.

The baseline, measured in the same run, is the same certificate with its QR code drawn the
usual ReportLab way (``QrCodeWidget`` in a ``Drawing``, a rectangle per dark module, with
ReportLab's mask search) instead of core's single path of dark runs with a fixed mask.
"""

import time
from datetime import date
from unittest import mock

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing

from core.certificates import pdf as certificate_pdf
from core.certificates.pdf import (
    CertificateDocument,
    Section,
    TableReport,
    render_certificate,
    render_table_report,
)


def certificate(number: int, name: str) -> CertificateDocument:
    return CertificateDocument(
        title="结婚证",
        title_en="Marriage Certificate",
        number=f"J440704-2026-{number:06d}",
        sections=[
            Section(
                "持证人 Holder",
                [
                    ("姓名 Name", name),
                    ("性别 Sex", "男 Male"),
                    ("出生日期 Date of birth", "1990年5月1日"),
                    ("身份证件号 ID number", "440704199005011234"),
                ],
            ),
            Section(
                "配偶 Spouse",
                [
                    ("姓名 Name", "李䶮"),
                    ("性别 Sex", "女 Female"),
                    ("出生日期 Date of birth", "1992年3月8日"),
                    ("身份证件号 ID number", "44070419920308002X"),
                ],
            ),
            Section(
                "登记 Registration",
                [
                    ("登记日期 Date of registration", "2026年11月29日"),
                    ("登记机关 Registry", "江门市江海区民政局婚姻登记处"),
                ],
            ),
        ],
        issued_on=date(2026, 11, 29),
        issuer="江门市江海区民政局婚姻登记处",
        verify_url=f"https://minzheng.jianghai.gov.cn/verify/J440704-2026-{number:06d}?c=8f3a9c2e",
    )


def per_second(render, count: int) -> float:
    render(0)  # fonts load once per process
    start = time.perf_counter()
    for n in range(1, count + 1):
        render(n)
    return count / (time.perf_counter() - start)


def widget_qr(canvas, value: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(value, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def main() -> None:
    for label, name in (("BMP names", "王德明"), ("Ext-B name", "王𪚥明")):
        rate = per_second(lambda n, name=name: render_certificate(certificate(n, name)), 300)
        with mock.patch.object(certificate_pdf, "_draw_qr", widget_qr):
            base = per_second(lambda n, name=name: render_certificate(certificate(n, name)), 300)
        print(f"certificate, {label}: {rate:.0f}/s; QrCodeWidget baseline {base:.0f}/s", end="")
        print(f"; ratio {rate / base:.1f}x")
    rows = [
        [str(i), "张三", f"4407041990050112{i % 100:02d}", f"{1000 + i:,.2f}"] for i in range(1000)
    ]
    report = TableReport("低保金发放汇总表", None, ["序号", "姓名", "身份证号", "金额"], rows)
    start = time.perf_counter()
    pdf = render_table_report(report)
    print(f"table report, 1000 rows: {time.perf_counter() - start:.2f} s, {len(pdf) // 1024} KiB")


if __name__ == "__main__":
    main()
