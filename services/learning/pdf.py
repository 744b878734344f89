"""A minimal PDF 1.4 writer: one A4 page of centred Helvetica text. No dependency.

The output is 7-bit ASCII throughout (non-ASCII text is written as octal escapes in the
WinAnsi encoding). That is load-bearing: the certificate travels as an email attachment whose
`content` is a JSON string (contracts.notification), so its bytes must survive str round trips.
"""
from __future__ import annotations

from dataclasses import dataclass

A4 = (595, 842)
# Helvetica advance widths (1/1000 em) of ' '..'~', from the standard AFM; used only to centre.
WIDTHS = [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
          *[556] * 10, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
          722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
          667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222,
          222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500,
          334, 260, 334, 584]
BOLD_FACTOR = 1.07  # Helvetica-Bold runs about this much wider; close enough to centre a line


@dataclass(frozen=True)
class Line:
    text: str
    size: float
    y: float
    bold: bool = False


def encoded(text: str) -> bytes:
    """WinAnsi (cp1252) bytes; a character it lacks becomes '?' rather than failing the document."""
    return text.encode("cp1252", errors="replace")


def width(text: str, size: float, bold: bool = False) -> float:
    units = sum(WIDTHS[b - 32] if 32 <= b <= 126 else 556 for b in encoded(text))
    return units * size / 1000 * (BOLD_FACTOR if bold else 1.0)


def literal(text: str) -> str:
    """A PDF string literal: backslash, parentheses and anything outside printable ASCII escaped."""
    out = []
    for b in encoded(text):
        ch = chr(b)
        if ch in "\\()":
            out.append("\\" + ch)
        elif 32 <= b <= 126:
            out.append(ch)
        else:
            out.append(f"\\{b:03o}")
    return "(" + "".join(out) + ")"


def content(lines: list[Line]) -> str:
    w, h = A4
    ops = ["0.16 0.29 0.48 RG 3 w 30 30 %d %d re S" % (w - 60, h - 60),
           "0.5 w 40 40 %d %d re S" % (w - 80, h - 80), "0 0 0 rg"]
    for ln in lines:
        x = max(50.0, (w - width(ln.text, ln.size, ln.bold)) / 2)
        font = "F2" if ln.bold else "F1"
        ops.append(f"BT /{font} {ln.size:g} Tf {x:.2f} {ln.y:.2f} Td {literal(ln.text)} Tj ET")
    return "\n".join(ops) + "\n"


def document(lines: list[Line], title: str) -> bytes:
    """Objects, a cross-reference table with exact byte offsets, and the trailer."""
    stream = content(lines)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>" % A4,
        f"<< /Length {len(stream)} >>\nstream\n{stream}endstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        f"<< /Title {literal(title)} /Producer (ptfc learning service) >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{off:010d} 00000 n \n" for off in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 7 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("ascii")
