"""The certificate PDF (parsed back with pypdf) and the learning email templates."""
from __future__ import annotations

import email
import email.policy

import io
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from services.learning import pdf
from services.learning.certificate_store import Certificate
from services.learning.certificates import NAME_UNKNOWN, certificate_pdf
from services.notifications.render import Renderer

CERT = Certificate("PTFC-AB12-CD34-EF56-GH78", "R-1", "P-1", "C-1", "ptfc",
                   datetime(2026, 11, 21, 17, tzinfo=timezone.utc), date(2026, 11, 12), date(2026, 11, 20))


def text_of(document: bytes) -> str:
    reader = PdfReader(io.BytesIO(document), strict=True)
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_certificate_holds_name_programme_dates_and_number():
    document = certificate_pdf(CERT, "Alex Example")
    assert document.startswith(b"%PDF-1.4") and document.rstrip().endswith(b"%%EOF")
    text = text_of(document)
    for expected in ("Alex Example", "Planning Together for Children", "12 November 2026",
                     "20 November 2026", "PTFC-AB12-CD34-EF56-GH78", "Issued on 21 November 2026"):
        assert expected in text


def test_names_with_accents_and_pdf_syntax_survive_and_the_file_stays_ascii():
    name = "Zoë (Jo) O'Brien \\ Núñez"
    document = certificate_pdf(CERT, name)
    document.decode("ascii")  # an email attachment's content is a str: the bytes must be ASCII
    assert name in text_of(document)


def test_a_character_helvetica_cannot_show_does_not_break_the_document():
    assert "ukasz Nowak" in text_of(certificate_pdf(CERT, "Łukasz Nowak"))


def test_without_a_recorded_name_the_certificate_still_reads_properly():
    assert NAME_UNKNOWN in text_of(certificate_pdf(CERT, None))


def test_cross_reference_offsets_point_at_their_objects():
    document = pdf.document([pdf.Line("x", 10, 100)], "t")
    xref = int(document.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    entries = document[xref:].split(b"\n")[3:10]
    for n, entry in enumerate(entries, start=1):
        offset = int(entry[:10])
        assert document[offset:].startswith(f"{n} 0 obj".encode())


RENDER = [
    ("learning_reminder", {"day": 7, "elearning_due_on": "16 November 2026", "modules_done": 3,
                           "modules_left": 6}, ["16 November 2026", "3 of the 9", "6 are left"]),
    ("learning_reminder", {"day": 7, "elearning_due_on": "16 November 2026", "modules_done": 0,
                           "modules_left": 9, "activation_link": "https://hub.example/activate?token=T0K",
                           "expires_at": "12 November 2026 at 09:00 UTC"}, ["token=T0K", "12 November 2026"]),
    ("learning_invitation_reissued", {"activation_link": "https://hub.example/activate?token=T0K",
                                      "expires_at": "26 November 2026 at 10:00 UTC"}, ["token=T0K"]),
    ("learning_certificate", {"certificate_number": "PTFC-AB12-CD34-EF56-GH78",
                              "elearning_completed_on": "12 November 2026",
                              "workshop_attended_on": "20 November 2026"},
     ["PTFC-AB12-CD34-EF56-GH78", "12 November 2026", "20 November 2026"]),
]


@pytest.mark.parametrize("template,context,expected", RENDER)
def test_learning_templates_render_text_and_html(template, context, expected):
    attachments = [{"filename": "c.pdf", "content_type": "application/pdf",
                    "content": certificate_pdf(CERT, "Alex Example").decode("ascii")}]
    built = Renderer().build(notification_id="n" * 32, template=template, context=context, name="Alex Example",
                             address="alex@parents.example", sender="PTfC <no-reply@ptfc.example>",
                             attachments=attachments if template == "learning_certificate" else [])
    msg = email.message_from_bytes(built.as_bytes(), policy=email.policy.default)  # as a receiver reads it
    assert "Planning Together for Children" in msg["Subject"] or "certificate" in msg["Subject"].lower()
    for part in ("plain", "html"):
        body = msg.get_body((part,)).get_content()
        assert "Dear Alex Example" in body
        for e in expected:
            assert e in body
    if template == "learning_certificate":
        (att,) = list(msg.iter_attachments())
        assert "Alex Example" in text_of(att.get_content())


def test_a_long_name_is_shrunk_to_fit_the_page():
    from services.learning.certificates import fitted
    name = "Alexandra Bartholomew-Fitzwilliam Montgomery-Smythe de la Cour"
    size = fitted(name, 24)
    assert size < 24 and pdf.width(name, size, bold=True) <= 480.01
    assert fitted("Jo Li", 24) == 24
