"""A PDF/A-2B document of Unicode text: what any service needs to print people's names.

fpdf2 rather than reportlab: fpdf2 shapes text with HarfBuzz (uharfbuzz) and runs the Unicode
bidi algorithm itself, so Arabic letters join and right-to-left words stand in the right order;
it falls back glyph by glyph to other fonts (`set_fallback_fonts`), so one name may mix scripts;
it embeds only the glyphs used (subsetting); and `enforce_compliance="PDF/A-2B"` writes the XMP
metadata, refuses what PDF/A forbids and adds an sRGB output intent from the ICC profile that
ships inside the fpdf2 wheel. ReportLab's shaping is experimental, it has no bidi, and PDF/A is
in its commercial edition only.

Every font comes from a PyPI wheel (nothing is fetched at run time, `pip install` is enough):
- Noto Sans and Noto Serif (fontpkg-noto-sans, fontpkg-noto-serif): Latin with every European
  accent (Polish, Welsh, Romanian comma-below), Greek, Cyrillic;
- Amiri (fontpkg-amiri): Arabic, Persian, Urdu. Noto Sans Arabic draws some letters' dots as
  separate glyphs with no Unicode of their own, which text extraction turns into control
  characters; Amiri draws each letter whole;
- WenQuanYi Micro Hei (paperang-p2-fonts-cjk, byte for byte Debian's fonts-wqy-microhei, which a
  test checks): Chinese, simplified and traditional, Japanese kana, Korean Hangul. Noto Sans CJK
  is on PyPI too, but its outlines are CFF, which fpdf2 embeds with its own encoding CMap that
  pypdf and pdfminer cannot read back: a name set in it could not be checked or copied.
The Noto fonts are variable fonts, used at their default instance (Regular). There is no bold:
fpdf2 would cut a Bold instance with fontTools for every document, about 4 s for Noto Sans.

The output is binary (PDF/A requires a comment of non-ASCII bytes at the top; font programs are
compressed): anything that carries it as text must base64 it.
"""
from __future__ import annotations

import logging
import unicodedata
from functools import cache
from importlib.resources import files
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

SANS, SERIF, ARABIC, CJK = "sans", "serif", "arabic", "cjk"
MARGIN = 50.0
_FONTPKG = {SANS: "Noto Sans", SERIF: "Noto Serif", ARABIC: "Amiri"}
# fpdf2 warns with the very characters it could not draw: pieces of a name. Use `unprintable`.
logging.getLogger("fpdf").setLevel(logging.ERROR)


@cache
def font_file(family: str) -> Path:
    """Where the installed wheel keeps the font (fonts from fontpkg are found by family name)."""
    if family == CJK:
        return Path(str(files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"))
    import fontpkg  # imported here: its registry scans the installed font wheels once

    return fontpkg.path(_FONTPKG[family])


@cache
def _covers(family: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(font_file(family), lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap())


def fallbacks(text: str) -> list[str]:
    """The fallback fonts `text` needs: those with a character that Noto Sans lacks."""
    missing = {ord(c) for c in text} - _covers(SANS)
    return [family for family in (ARABIC, CJK) if missing & _covers(family)]


def unprintable(text: str) -> int:
    """How many characters of `text` no font here has: they would print as empty boxes (Hebrew,
    Bengali, Ethiopic... have no font yet). Spaces and invisible format characters do not count."""
    covered = _covers(SANS) | _covers(ARABIC) | _covers(CJK)
    return sum(1 for c in text if ord(c) not in covered and unicodedata.category(c)[0] not in "CZ")


def document(title: str, *, only_for: str | None = None, lang: str = "en-GB",
             author: str = "Planning Together for Children") -> FPDF:
    """An empty A4 PDF/A-2B document, measured in points: write in SANS or SERIF, and a character
    they lack is taken from the Arabic or CJK font. `only_for`, all the text not known in advance
    (a name): then only the fallback fonts it needs are loaded. fpdf2 parses and subsets every
    font added, for every document, and embeds it even if unused: the CJK font alone costs 0.25 s."""
    pdf = FPDF(unit="pt", format="A4", enforce_compliance="PDF/A-2B")
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_lang(lang)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    extra = [ARABIC, CJK] if only_for is None else fallbacks(only_for)
    for family in (SANS, SERIF, *extra):
        _add_font(pdf, family)
    pdf.set_fallback_fonts([SANS, *extra], exact_match=False)  # Noto Sans has more than Noto Serif
    pdf.set_text_shaping(True)  # HarfBuzz: joined Arabic, right-to-left runs, kerning
    pdf.set_font(SANS, size=12)
    return pdf


# Tables the embedded subset never carries: fpdf2 drops the layout tables when it subsets, but
# fontTools decompiles them first (GSUB/GPOS/GDEF of Noto Sans, ~40 ms a font a document); a
# PDF viewer draws a variable font's default outlines and ignores its variations (gvar alone was
# half the embedded bytes). Shaping still reads the whole font file (HarfBuzz, `ttffile`).
_NOT_EMBEDDED = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "fvar", "gvar", "avar", "cvar", "HVAR",
                 "VVAR", "MVAR", "STAT")


@cache
def _embeddable(family: str) -> bytes:
    """The font file as the PDF embeds it, before subsetting: glyph order, outlines and metrics
    unchanged (so HarfBuzz's glyph ids from the whole file are the same glyphs)."""
    from fontTools.ttLib import TTFont

    with TTFont(font_file(family), fontNumber=0, recalcTimestamp=False) as font:
        for tag in _NOT_EMBEDDED:
            if tag in font:
                del font[tag]
        out = BytesIO()
        font.save(out)
        return out.getvalue()


@cache
def _parsed(family: str) -> TTFFont:
    """fpdf2's parse of a font (metrics of every character, ~40 ms each), once per process."""
    doc = FPDF(unit="pt")
    doc.add_font(family, "", font_file(family))
    return doc.fonts[family]


def _add_font(pdf: FPDF, family: str) -> None:
    """`pdf.add_font(family, "", font_file(family))`, from the process's parse: the document gets
    its own subset state and fontTools font (subsetting changes it), HarfBuzz opens the file as
    add_font does. Relies on fpdf2 2.8.9's TTFFont (pinned), as its FPDFRecorder copy does.
    Measured, a learning certificate (2026-11-29, load 1-1.5 on 2 shared cores, so +-30%): a Latin
    name 140-200 ms before, 52 ms after (38 KB -> 16 KB); Arabic 217 -> 76 ms; CJK 474 -> 285 ms."""
    from fontTools.ttLib import TTFont

    parsed, font = _parsed(family), TTFFont.__new__(TTFFont)
    for slot in TTFFont.__slots__:
        if hasattr(parsed, slot):  # a few slots are never set
            setattr(font, slot, getattr(parsed, slot))
    font.i = len(pdf.fonts) + 1
    font.ttfont = TTFont(BytesIO(_embeddable(family)), recalcTimestamp=False, lazy=True)
    font.cw = parsed.cw.copy()  # a defaultdict: reading a missing character adds it
    font.glyph_ids = dict(parsed.glyph_ids)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None  # its `ptem` is set per call: one per document, not shared between threads
    font.subset = SubsetMap(font)
    pdf.fonts[family] = font


def width(pdf: FPDF, text: str, size: float, *, family: str = SANS) -> float:
    """The drawn width in points, shaped and with the fallback fonts it will really use."""
    pdf.set_font(family, size=size)
    return pdf.get_string_width(text)


def centred(pdf: FPDF, text: str, baseline: float, size: float, *, family: str = SANS,
            rgb: tuple[int, int, int] = (0, 0, 0)) -> None:
    """One line centred between the margins, its baseline `baseline` points from the page top."""
    pdf.set_font(family, size=size)
    pdf.set_text_color(*rgb)
    height = size * 1.4
    # fpdf2 sets a cell's baseline 0.3 em below the cell's middle
    pdf.set_xy(pdf.l_margin, baseline - height / 2 - 0.3 * size)
    pdf.cell(w=pdf.epw, h=height, text=text, align="C")


def frame(pdf: FPDF, inset: float, line_width: float, rgb: tuple[int, int, int]) -> None:
    pdf.set_draw_color(*rgb)
    pdf.set_line_width(line_width)
    pdf.rect(inset, inset, pdf.w - 2 * inset, pdf.h - 2 * inset)


def paragraph(pdf: FPDF, text: str, size: float, *, family: str = SANS, rgb: tuple[int, int, int] = (0, 0, 0),
              after: float = 4.0) -> None:
    """Text of any length from the current position, wrapped between the margins and kept as it
    was written (its own line breaks, left-aligned), going on to new pages as it needs: the
    document must break pages itself (`pdf.set_auto_page_break(True, MARGIN)`). `after`: space
    below, in points."""
    pdf.set_font(family, size=size)
    pdf.set_text_color(*rgb)
    pdf.set_x(pdf.l_margin)
    # A tab has no width of its own in a PDF text run: four spaces keep the writer's indent.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    pdf.multi_cell(w=pdf.epw, h=size * 1.4, text=text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(after)


def finish(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
