"""The certificate PDF, parsed back with pypdf: names in any script, embedded fonts, PDF/A-2B."""
from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import io
import logging
import unicodedata
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from ptfc.kit import pdf
from services.learning.certificate_store import Certificate
from services.learning.certificates import NAME_UNKNOWN, attachment, certificate_pdf
from services.notifications.domain.render import Renderer

CERT = Certificate("PTFC-AB12-CD34-EF56-GH78", "R-1", "P-1", "C-1", "ptfc",
                   datetime(2026, 11, 21, 17, tzinfo=timezone.utc), date(2026, 11, 12), date(2026, 11, 20))


def reader(document: bytes) -> PdfReader:
    parsed = PdfReader(io.BytesIO(document), strict=True)
    assert len(parsed.pages) == 1
    return parsed


def lines_of(document: bytes) -> list[str]:
    return reader(document).pages[0].extract_text().splitlines()


def read_as_drawn(line: str) -> str:
    """pypdf gives back the letters of each right-to-left glyph run in reading order, but the runs
    in the order they are drawn, left to right: the space between two Arabic words is drawn in
    the Latin font, which ends a run. A reader takes the words right to left, so the first word
    of the name must be drawn last, rightmost (the rendered page was also checked by eye)."""
    return " ".join(reversed(line.split(" ")))


NAMES = [
    pytest.param("Łukasz Wiśniewski", id="polish"),
    pytest.param("Siân Llŷr ap Dafydd", id="welsh"),
    pytest.param("Ștefan Țurcanu", id="romanian-comma-below"),
    pytest.param("Γιώργος Παπαδόπουλος", id="greek"),
    pytest.param("王小明", id="chinese"),
    pytest.param("Seán O'Brien-Ní Bhriain", id="apostrophe-and-hyphen"),
    pytest.param("Zoë (Jo) O'Brien \\ Núñez", id="pdf-string-syntax"),
    pytest.param("Li Wei 王小明", id="latin-and-chinese-in-one-name"),
]


@pytest.mark.parametrize("name", NAMES)
def test_the_name_comes_back_exactly(name):
    assert unicodedata.is_normalized("NFC", name) and pdf.unprintable(name) == 0
    assert name in lines_of(certificate_pdf(CERT, name))


def test_an_arabic_name_comes_back_exactly_read_right_to_left():
    name = "محمد عبد الله"
    assert name in [read_as_drawn(line) for line in lines_of(certificate_pdf(CERT, name))]


def test_a_script_with_no_font_yet_is_counted_and_its_letters_stay_out_of_the_logs(caplog):
    name = "דוד כהן"  # Hebrew: no font here has it yet
    assert pdf.unprintable(name) == 6
    with caplog.at_level(logging.DEBUG):
        certificate_pdf(CERT, name)
    assert not [r for r in caplog.records if any(c in r.getMessage() for c in name.replace(" ", ""))]


def test_certificate_holds_name_programme_dates_and_number():
    document = certificate_pdf(CERT, "Alex Example")
    assert document.startswith(b"%PDF-") and document.rstrip().endswith(b"%%EOF")
    text = "\n".join(lines_of(document))
    for expected in ("Alex Example", "Planning Together for Children", "12 November 2026",
                     "20 November 2026", "PTFC-AB12-CD34-EF56-GH78", "Issued on 21 November 2026",
                     "Anyone can check that a certificate number is genuine"):
        assert expected in text


def test_without_a_recorded_name_the_certificate_still_reads_properly():
    assert NAME_UNKNOWN in lines_of(certificate_pdf(CERT, None))


def embedded_fonts(document: bytes) -> dict[str, bool]:
    """Each font the page uses, and whether its program is inside the file."""
    out = {}
    for font in reader(document).pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        described = font["/DescendantFonts"][0].get_object() if font["/Subtype"] == "/Type0" else font
        descriptor = described.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor else {}
        out[str(font["/BaseFont"]).lstrip("/")] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return out


def test_every_font_is_embedded_so_no_viewer_font_is_relied_on():
    fonts = embedded_fonts(certificate_pdf(CERT, "Łukasz محمد 王小明"))
    assert len(fonts) == 4 and all(fonts.values()), fonts  # sans, serif, Arabic, CJK
    assert all(name[6] == "+" for name in fonts), fonts  # subset prefix: only the glyphs used


def test_it_declares_pdf_a_2b_with_an_srgb_output_intent():
    parsed = reader(certificate_pdf(CERT, "Alex Example"))
    xmp = parsed.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    (intent,) = parsed.trailer["/Root"]["/OutputIntents"]
    intent = intent.get_object()
    profile = intent["/DestOutputProfile"].get_object()
    assert intent["/S"] == "/GTS_PDFA1" and profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"


def test_a_certificate_stays_small():
    assert len(certificate_pdf(CERT, "Łukasz Γιώργος محمد 王小明")) < 60_000


def test_the_cjk_font_is_the_one_debian_ships():
    """The CJK font comes from a small PyPI package: pin its bytes to Debian's fonts-wqy-microhei
    0.2.0-beta-3.1, so a changed upload cannot slip in."""
    digest = hashlib.sha256(pdf.font_file("cjk").read_bytes()).hexdigest()
    assert digest == "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"


def test_a_long_name_is_shrunk_to_fit_the_page():
    from services.learning.domain.pdf import NAME_ROOM, fitted
    doc = pdf.document("t")
    name = "Alexandra Bartholomew-Fitzwilliam Montgomery-Smythe de la Cour"
    size = fitted(doc, name, 24)
    assert size < 24 and pdf.width(doc, name, size, family=pdf.SERIF) <= NAME_ROOM + 0.01
    assert fitted(doc, "Jo Li", 24) == 24
    assert name in lines_of(certificate_pdf(CERT, name))


def test_the_email_attachment_carries_the_pdf_bytes_unchanged():
    att = attachment(CERT, "Łukasz Wiśniewski")
    assert att["filename"] == "certificate-PTFC-AB12-CD34-EF56-GH78.pdf" and "content" not in att
    assert "Łukasz Wiśniewski" in lines_of(base64.b64decode(att["content_base64"]))


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
    name = "Siân Llŷr"
    attachments = [attachment(CERT, name)] if template == "learning_certificate" else []
    built = Renderer().build(notification_id="n" * 32, template=template, context=context, name=name,
                             address="sian@parents.example", sender="PTfC <no-reply@ptfc.example>",
                             attachments=attachments)
    msg = email.message_from_bytes(built.as_bytes(), policy=email.policy.default)  # as a receiver reads it
    assert "Planning Together for Children" in msg["Subject"] or "certificate" in msg["Subject"].lower()
    for part in ("plain", "html"):
        body = msg.get_body((part,)).get_content()
        assert f"Dear {name}" in body
        for e in expected:
            assert e in body
    if template == "learning_certificate":
        (att,) = list(msg.iter_attachments())
        assert att.get_content() == base64.b64decode(attachments[0]["content_base64"])  # byte for byte
        assert name in lines_of(att.get_content())


def test_the_fonts_parsed_once_draw_what_fpdf2s_own_add_font_draws(monkeypatch):
    """pdf.document reuses one parse of each font a process (the embedded copy without layout and
    variation tables): the page must be drawn exactly as with add_font, glyph for glyph."""
    name = "Łukasz Γιώργος Wiśniewski-محمد 王小明"
    fast = reader(certificate_pdf(CERT, name)).pages[0].get_contents().get_data()
    monkeypatch.setattr(pdf, "_add_font", lambda doc, family: doc.add_font(family, "", pdf.font_file(family)))
    plain = reader(certificate_pdf(CERT, name)).pages[0].get_contents().get_data()
    assert fast == plain
