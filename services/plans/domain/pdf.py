"""The plan's two PDFs, printed from plans.document: pure (no I/O).

The document, its fonts (the parents' terms may be in any script), shaping and PDF/A-2B come from
ptfc.kit.pdf, as for the certificate. A plan runs to as many A4 pages as its terms need.
"""
from __future__ import annotations

from fpdf import FPDF

from ptfc.kit import pdf
from services.plans.domain.document import PlanText

BLUE, BLACK, GREY = (41, 74, 122), (0, 0, 0), (90, 90, 90)
PROGRAMMES = {"ptfc": "Planning Together for Children", "cppp": "the Positive co-Parenting Programme"}


def _text_of(text: PlanText) -> str:
    """Everything printed that is not known in advance: it decides which fallback fonts load."""
    return "".join(s.terms or "" for s in text.sections)


def _start(text: PlanText, author: str) -> FPDF:
    doc = pdf.document(text.title, only_for=_text_of(text), author=author)
    doc.set_auto_page_break(True, pdf.MARGIN)
    doc.add_page()
    doc.set_y(pdf.MARGIN)
    return doc


def plan_pdf(text: PlanText, programme: str = "ptfc") -> bytes:
    """Title, the plan's status, then every area: its agreed terms, or its open state and history."""
    name = PROGRAMMES.get(programme, PROGRAMMES["ptfc"])
    doc = _start(text, name[0].upper() + name[1:])
    pdf.paragraph(doc, text.title, 22, family=pdf.SERIF, rgb=BLUE, after=2)
    for line in text.lines:
        pdf.paragraph(doc, line, 10.5, rgb=GREY, after=1)
    doc.ln(10)
    for section in text.sections:
        pdf.paragraph(doc, section.title, 15, family=pdf.SERIF, rgb=BLUE, after=1)
        pdf.paragraph(doc, section.state, 11, after=2)
        if section.terms is not None:
            pdf.paragraph(doc, section.terms, 11, family=pdf.SERIF, after=2)
        for step in section.history:
            pdf.paragraph(doc, step, 9.5, rgb=GREY, after=0)
        doc.ln(10)
    pdf.paragraph(doc, f"Made by {name} from the parents' plan in the Parent Hub.", 8.5, rgb=GREY)
    return pdf.finish(doc)


def child_pdf(text: PlanText) -> bytes:
    """Bigger, friendlier type; only what the parents agreed about the child's own life."""
    doc = _start(text, "Your parents")
    pdf.paragraph(doc, text.title, 26, family=pdf.SERIF, rgb=BLUE, after=6)
    pdf.paragraph(doc, " ".join(text.lines), 14, after=2)
    doc.ln(12)
    for section in text.sections:
        pdf.paragraph(doc, section.title, 18, family=pdf.SERIF, rgb=BLUE, after=2)
        pdf.paragraph(doc, section.state, 13, rgb=GREY, after=2)
        pdf.paragraph(doc, section.terms or "", 14, after=14)
    return pdf.finish(doc)
