"""The certificate of completion as a PDF: one A4 page, pure (no I/O).

The parent's name is printed exactly as recorded, in any script: the document, its fonts, font
fallback, text shaping and PDF/A-2B come from ptfc.kit.pdf, which the plans service can share.
"""
from __future__ import annotations

from fpdf import FPDF

from ptfc.kit import pdf
from services.learning.domain import course
from services.learning.records import Certificate

PROGRAMMES = {"ptfc": "Planning Together for Children", "cppp": "Planning Together for Children (CPPP)"}
NAME_UNKNOWN = "the parent named in the court's referral"  # until the referral service sends names
NAME_ROOM = 480.0  # points a name may take across the page
BLUE, BLACK, GREY = (41, 74, 122), (0, 0, 0), (90, 90, 90)


def fitted(doc: FPDF, text: str, size: float, room: float = NAME_ROOM) -> float:
    """A long name gets a smaller font rather than running off the page."""
    return min(size, size * room / max(1.0, pdf.width(doc, text, size, family=pdf.SERIF)))


def certificate_pdf(cert: Certificate, name: str | None) -> bytes:
    """Name, programme, the dates of both stages and the number, on one A4 page (PDF/A-2B)."""
    programme = PROGRAMMES.get(cert.programme, PROGRAMMES["ptfc"])
    printed = name or NAME_UNKNOWN
    doc = pdf.document(f"{programme} certificate {cert.certificate_number}", only_for=printed)
    doc.add_page()
    pdf.frame(doc, 30, 3, BLUE)
    pdf.frame(doc, 40, 0.5, BLACK)
    lines = [  # (text, baseline from the top, size, family, colour)
        (programme, 122, 26, pdf.SERIF, BLUE),
        ("Certificate of completion", 162, 20, pdf.SANS, BLACK),
        ("This is to certify that", 232, 13, pdf.SANS, BLACK),
        (printed, 274, fitted(doc, printed, 24) if name else 14, pdf.SERIF, BLACK),
        (f"has completed both stages of {programme}:", 312, 13, pdf.SANS, BLACK),
        (f"the online learning, completed on {course.long_date(cert.elearning_completed_on)},", 352, 13,
         pdf.SANS, BLACK),
        (f"and the group workshop, attended on {course.long_date(cert.workshop_attended_on)}.", 374, 13,
         pdf.SANS, BLACK),
        (f"Certificate number: {cert.certificate_number}", 462, 14, pdf.SANS, BLUE),
        (f"Issued on {course.long_date(course.local_date(cert.issued_at))}", 486, 11, pdf.SANS, BLACK),
        ("Anyone can check that a certificate number is genuine with the programme.", 722, 9, pdf.SANS, GREY),
    ]
    for text, baseline, size, family, rgb in lines:
        pdf.centred(doc, text, baseline, size, family=family, rgb=rgb)
    return pdf.finish(doc)
