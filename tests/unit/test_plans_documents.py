"""A plan's two downloadable versions (text, then the PDFs parsed back with pypdf) and the rules
of the links that serve them: pure, no I/O."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from pypdf import PdfReader

from services.plans.domain import document as D
from services.plans.domain import links as L
from services.plans.domain import pdf
from services.plans.domain.agreement import Area

A, B = "P-a", "P-b"
T0 = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)
HISTORY = [
    D.Step("living_arrangements", A, "proposed", "Weekdays with Mum, weekends with Dad.", T0),
    D.Step("living_arrangements", B, "counter", "Alternate weeks, handover on Sunday at 6pm.", T0 + timedelta(days=1)),
    D.Step("living_arrangements", A, "agree", None, T0 + timedelta(days=2)),
    D.Step("education", A, "proposed", "Stay at Oak Lane.", T0),
    D.Step("education", B, "agree", None, T0 + timedelta(days=1)),
    D.Step("money", A, "proposed", "Hidden money terms", T0),
    D.Step("money", B, "counter", "Hidden counter terms", T0 + timedelta(days=3)),
    D.Step("health", A, "proposed", "Hidden health terms", T0),
    D.Step("health", B, "ask_court", None, T0 + timedelta(days=4)),
    D.Step("communication", B, "proposed", "Texts only, about the children.", T0),
    D.Step("communication", A, "agree", None, T0 + timedelta(days=1)),
]
AREAS = {"living_arrangements": Area("agreed", B), "education": Area("agreed", A), "money": Area("proposed", B),
         "health": Area("ask_court", A), "communication": Area("agreed", B)}
NOW = T0 + timedelta(days=6)
# Nothing of negotiation, disagreement or history may reach the child's version.
NOT_FOR_CHILDREN = ("history", "propos", "counter", "disagree", "not agreed", "court", "seek help", "open",
                    "mediat", "case", "parent a", "parent b", "hidden", "money", "texts only")


def text_of(document: bytes) -> str:
    parsed = PdfReader(io.BytesIO(document), strict=True)
    return " ".join(" ".join(page.extract_text() for page in parsed.pages).split())


def test_the_plan_shows_agreed_terms_and_each_open_area_with_its_history_never_unagreed_terms():
    text = D.plan_text("LS26C00417", "finished", A, T0 + timedelta(days=5), AREAS, HISTORY, NOW)
    printed = text_of(pdf.plan_pdf(text))
    assert "Parenting plan" in printed and "Case LS26C00417" in printed
    assert "Finished on 7 November 2026 with what is agreed: 3 of 10 areas agreed" in printed
    # The agreed terms are the last offer, the one agreed to.
    assert "Living arrangements Agreed on 4 November 2026. Alternate weeks, handover on Sunday at 6pm." in printed
    assert "Weekdays with Mum" not in printed and "Hidden" not in printed
    assert ("Money Open: not agreed yet. A proposal is waiting for the other parent's answer. 2 November 2026: "
            "Parent A proposed terms. 5 November 2026: Parent B made a counter-proposal.") in printed
    assert "Health Not agreed: the parents chose to ask the court to decide this area." in printed
    assert "Religion and culture Open: nothing has been proposed for this area yet." in printed
    assert all(title in printed for title in D.TITLES.values())  # every area, open ones included


def test_the_child_friendly_version_has_only_agreed_arrangements_that_touch_the_child():
    printed = text_of(pdf.child_pdf(D.child_text(AREAS, HISTORY)))
    assert "Our family plan" in printed
    assert "Where you live and who you stay with Your parents agreed: Alternate weeks" in printed
    assert "School Your parents agreed: Stay at Oak Lane." in printed
    lowered = printed.lower()
    assert [w for w in NOT_FOR_CHILDREN if w in lowered] == []  # communication is agreed, but the adults'


def test_the_child_friendly_version_with_nothing_agreed_for_the_child_says_so_gently():
    printed = text_of(pdf.child_pdf(D.child_text({"money": Area("proposed", A)}, HISTORY[5:7])))
    assert "Your parents are making a plan together" in printed and "agreed:" not in printed
    assert [w for w in NOT_FOR_CHILDREN if w in printed.lower()] == []


def test_erased_agreed_wording_is_said_to_be_gone_and_left_out_for_the_child():
    erased = [D.Step(s.area, s.person_id, s.action, None if s.person_id == B else s.terms, s.at) for s in HISTORY]
    plan = text_of(pdf.plan_pdf(D.plan_text("C-1", "completed", A, None, AREAS, erased, NOW)))
    assert "Living arrangements Agreed on 4 November 2026. " + D.ERASED in plan
    child = text_of(pdf.child_pdf(D.child_text(AREAS, erased)))
    assert "School" in child and "Where you live" not in child


def test_a_long_plan_in_any_script_runs_onto_more_pages():
    long_terms = "\n".join(f"Week {i}: Łukasz stays with 王小明's family, then returns home." for i in range(60))
    history = [D.Step("living_arrangements", A, "proposed", long_terms, T0),
               D.Step("living_arrangements", B, "agree", None, T0)]
    document = pdf.plan_pdf(D.plan_text("C-1", "open", A, None, {"living_arrangements": Area("agreed", A)},
                                        history, NOW))
    assert len(PdfReader(io.BytesIO(document)).pages) >= 2
    assert "Week 59: Łukasz stays with 王小明's family" in text_of(document)


def test_a_link_is_an_id_and_a_secret_kept_only_as_a_hash():
    link = L.new_link(T0, 14)
    assert link.expires_at == T0 + timedelta(days=14)
    assert L.split(link.token) == (link.link_id, link.secret)
    assert L.secret_matches(link.secret, link.secret_hash)
    assert not L.secret_matches(link.secret[:-1] + "x", link.secret_hash)
    assert not L.secret_matches(link.secret, None)  # unknown id: no secret matches
    for bad in ("", link.link_id, link.secret, link.token + "x", "../" + link.token, link.token.replace(".", "/")):
        assert L.split(bad) is None
    assert L.url("https://plans.example/", link.token, L.CHILD) == \
        f"https://plans.example/plans/links/{link.token}/child-friendly.pdf"


def test_a_link_expires_or_is_revoked_and_only_parents_get_the_child_version():
    end = T0 + timedelta(days=14)
    assert L.state(None, end, end - timedelta(seconds=1)) == "valid"
    assert L.state(None, end, end) == "expired"
    assert L.state(T0, end, T0) == "revoked"
    assert L.may_fetch("parent", L.CHILD) and L.may_fetch("parent", L.PLAN)
    assert all(L.may_fetch(p, L.PLAN) and not L.may_fetch(p, L.CHILD) for p in L.PROFESSIONALS)


@pytest.mark.parametrize("case", ["C-2026-001", 'Č"; x=1', "日本-7"])
def test_a_downloads_file_name_survives_any_case_number(case):
    """The header is Latin-1 and quoted: a partner's case number must not break it (a 500 for
    every download of that plan); the standard library's parser reads the whole name back."""
    from email.message import Message
    from email.utils import collapse_rfc2231_value
    from services.plans.api import attachment
    header = attachment(f"parenting-plan-{case}.pdf")
    header.encode("latin-1")  # what the HTTP server must be able to send
    msg = Message()
    msg["Content-Disposition"] = header
    params = msg.get_params(header="content-disposition")
    plain = [v for k, v in params if k == "filename" and isinstance(v, str)]
    extended = [collapse_rfc2231_value(v) for k, v in params if k == "filename" and isinstance(v, tuple)]
    assert extended == [f"parenting-plan-{case}.pdf"]  # RFC 6266: what a browser saves it as
    assert len(plain) == 1 and plain[0].isascii() and '"' not in plain[0]  # the fallback
