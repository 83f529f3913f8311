"""Fonts for certificates and reports: an embedded CJK TrueType face plus per-character fallbacks.

Every string is split into runs by font (`FontSet.runs`): characters the primary face lacks, such as
CJK Extension B characters in people's names (𪚥 U+2A6A5), are drawn with the first fallback face
that has them. Without any CJK TrueType font installed, everything is drawn with ReportLab's
built-in CID font STSong-Light, which is not embedded: the PDF still renders and its text extracts,
but the viewer substitutes glyphs, and characters beyond the BMP are printed as 〓.
"""

import itertools
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color, black
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import SUBSETN, TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

log = logging.getLogger(__name__)

CID_FONT = "STSong-Light"
MISSING_MARK = "〓"  # GETA MARK: the CJK typesetter's sign for a character that cannot be set


@dataclass(frozen=True)
class FontFile:
    name: str  # the name registered with ReportLab
    path: str
    subfont_index: int = 0


# Debian fonts-wqy-zenhei / fonts-wqy-microhei: nearly all BMP ideographs, Ext-A (䶮) included.
PRIMARY_FONTS = (
    FontFile("WenQuanYiZenHei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    FontFile("WenQuanYiMicroHei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)
# Debian fonts-hanazono: HanaMinB holds Ext-B and the later planes; HanaMinA the unified
# ideographs added since Unicode 5.2 (U+9FCC..U+9FEA) and symbols that WenQuanYi lacks.
FALLBACK_FONTS = (
    FontFile("HanaMinB", "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
    FontFile("HanaMinA", "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
)


def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be").hex().upper()


def to_unicode_cmap(font_name: str, subset: Sequence[int]) -> str:
    """ReportLab's `makeToUnicodeCMap` with destinations written as UTF-16BE.

    ReportLab formats each destination with "%04X", so U+2A6A5 becomes the five-digit `<2A6A5>`,
    which no reader decodes; the PDF spec wants the surrogate pair `<D869DEA5>`. BMP code points
    come out exactly as before.
    """
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({font_name})",
            f"/Ordering ({font_name})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{font_name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *(f"<{i:02X}> <{_utf16_hex(code)}>" for i, code in enumerate(subset)),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


class _GlyphTable:
    """The 'glyf' table as a window on the font file, sliced without copying the whole table.

    `TTFontFile.makeSubset` only slices single glyphs out of it, but `get_table` copies the entire
    table first: 10 MB for WenQuanYi and 30 MB for HanaMinB on every subset of every document.
    """

    def __init__(self, data: bytes, offset: int) -> None:
        self._data, self._offset = data, offset

    def __getitem__(self, item: slice) -> bytes:
        return self._data[self._offset + item.start : self._offset + item.stop]


class SupplementaryTTFont(TTFont):
    """A TTFont whose ToUnicode CMaps are correct for code points above U+FFFF.

    Without this, names with Ext-B characters cannot be searched or copied from the PDF.
    It also subsets without copying the glyph table (see `_GlyphTable`).
    """

    def __init__(self, name: str, filename: str, subfontIndex: int = 0) -> None:
        super().__init__(name, filename, subfontIndex=subfontIndex)
        face = self.face
        copy_table = face.get_table
        glyphs = _GlyphTable(face._ttf_data, face.get_table_pos("glyf")[0])
        face.get_table = lambda tag: glyphs if tag == "glyf" else copy_table(tag)

    def addObjects(self, doc) -> None:
        subsets = self._assignState(doc).subsets  # read before super() deletes the state
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            if max(subset) <= 0xFFFF:
                continue
            # Same subset font name and stream key as TTFont.addObjects.
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            base_name = base.decode("pdfdoc")
            doc.idToObject["toUnicodeCMap:" + base_name].content = to_unicode_cmap(
                base_name, subset
            )


_LOAD_LOCK = threading.Lock()
_loaded: dict[FontFile, SupplementaryTTFont | None] = {}


def _load(font: FontFile) -> SupplementaryTTFont | None:
    """Load and register a font file once per process; None when absent or unreadable."""
    with _LOAD_LOCK:
        if font in _loaded:
            return _loaded[font]
        ttf = None
        if Path(font.path).is_file():
            try:
                ttf = SupplementaryTTFont(font.name, font.path, subfontIndex=font.subfont_index)
                pdfmetrics.registerFont(ttf)
            except (TTFError, OSError, ValueError) as exc:
                log.warning("cannot load font %s: %s", font.path, exc)
                ttf = None
        _loaded[font] = ttf
        return ttf


def _register_cid_font() -> None:
    with _LOAD_LOCK:
        if CID_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))


Run = tuple[str, str]  # (registered font name, text)
Align = Literal["left", "center", "right"]


class FontSet:
    """The faces one process draws with; loads them lazily on first use, thread-safe."""

    def __init__(
        self,
        primary: Sequence[FontFile] = PRIMARY_FONTS,
        fallbacks: Sequence[FontFile] = FALLBACK_FONTS,
    ) -> None:
        self._primary_candidates = tuple(primary)
        self._fallback_candidates = tuple(fallbacks)
        self._lock = threading.Lock()
        self._primary: SupplementaryTTFont | None = None
        self._ready = False

    def _ensure_primary(self) -> SupplementaryTTFont | None:
        if self._ready:
            return self._primary
        with self._lock:
            if not self._ready:
                self._primary = next(filter(None, map(_load, self._primary_candidates)), None)
                if self._primary is None:
                    _register_cid_font()
                    log.warning(
                        "no CJK TrueType font found (tried %s); drawing with the non-embedded "
                        "CID font %s. Install the Debian package fonts-wqy-zenhei.",
                        ", ".join(f.path for f in self._primary_candidates) or "nothing",
                        CID_FONT,
                    )
                self._ready = True
        return self._primary

    @property
    def primary_name(self) -> str:
        primary = self._ensure_primary()
        return primary.fontName if primary else CID_FONT

    def _font_for(self, code: int, primary: SupplementaryTTFont) -> str:
        if code < 0x20 or code in primary.face.charToGlyph:  # control characters never draw
            return primary.fontName
        for candidate in self._fallback_candidates:
            fallback = _load(candidate)  # loaded only when a character needs it
            if fallback is not None and code in fallback.face.charToGlyph:
                return fallback.fontName
        return primary.fontName  # drawn as the missing-glyph box

    def runs(self, text: str) -> list[Run]:
        """Split `text` into maximal runs that share one font."""
        primary = self._ensure_primary()
        if primary is None:
            # STSong-Light's UCS-2 encoding cannot address characters beyond the BMP; a viewer
            # would draw some unrelated character, so print the conventional 〓 instead.
            text = "".join(char if ord(char) <= 0xFFFF else MISSING_MARK for char in text)
        if primary is None or text.isascii():
            return [(self.primary_name, text)] if text else []
        by_font = itertools.groupby(text, key=lambda char: self._font_for(ord(char), primary))
        return [(name, "".join(chars)) for name, chars in by_font]

    def width(self, text: str, size: float) -> float:
        return sum(pdfmetrics.stringWidth(chunk, name, size) for name, chunk in self.runs(text))

    def markup(self, text: str) -> str:
        """Paragraph markup for `text`, with a <font> tag around each run; keeps line breaks."""
        return "".join(
            f'<font face="{name}">{escape(chunk)}</font>' for name, chunk in self.runs(text)
        ).replace("\n", "<br/>")

    def draw_string(
        self,
        canvas: Canvas,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        align: Align = "left",
        char_space: float = 0,
        bold: bool = False,
        color: Color = black,
    ) -> None:
        """Draw one line run by run in a single text object, so it extracts as one string.

        `bold` strokes the outlines too: the CJK faces have no bold weight.
        """
        runs = self.runs(text)
        if align != "left":
            width = (
                sum(
                    pdfmetrics.stringWidth(chunk, name, size) + char_space * len(chunk)
                    for name, chunk in runs
                )
                - char_space
            )
            x -= width if align == "right" else width / 2
        canvas.saveState()  # char spacing and render mode outlive the text object in PDF
        canvas.setFillColor(color)
        text_object = canvas.beginText(x, y)
        text_object.setCharSpace(char_space)
        if bold:
            canvas.setStrokeColor(color)
            canvas.setLineWidth(size * 0.035)
            text_object.setTextRenderMode(2)
        for name, chunk in runs:
            text_object.setFont(name, size)
            text_object.textOut(chunk)
        canvas.drawText(text_object)
        canvas.restoreState()

    def status(self) -> dict:
        """Which fonts are in use, for the admin page."""
        primary = self._ensure_primary()
        if primary is None:
            primary_info = {"name": CID_FONT, "path": None, "embedded": False}
        else:
            font = next(f for f in self._primary_candidates if _loaded.get(f) is primary)
            primary_info = {"name": font.name, "path": font.path, "embedded": True}
        return {
            "mode": "embedded" if primary else "cid-fallback",
            "primary": primary_info,
            "fallbacks": [
                {
                    "name": f.name,
                    "path": f.path,
                    "installed": Path(f.path).is_file(),
                    "loaded": _loaded.get(f) is not None,
                }
                for f in self._fallback_candidates
            ],
            "warning": None
            if primary
            else f"未安装中文 TrueType 字体，使用未嵌入的 {CID_FONT}（请安装 fonts-wqy-zenhei）"
            " / No CJK TrueType font installed; using non-embedded " + CID_FONT,
        }


_default = FontSet()


def default_fonts() -> FontSet:
    """The process-wide font set (nothing is loaded until first use)."""
    return _default


def font_status() -> dict:
    return _default.status()
