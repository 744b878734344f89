"""What every email says the course is and why the reader hears of it, per programme and route:
an FCA's recommendation is "not a direct order", a court order is one, CPPP is voluntary."""
from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from services.notifications.domain.delivery import course_words
from services.notifications.domain.render import TEMPLATES, Renderer

TEMPLATE_NAMES = sorted({p.name.split(".")[0] for p in Path(TEMPLATES).glob("*.subject.j2")})
PARENT_ONLY = {"invitation", "learning_reminder"}  # the emails that say why the parent is asked
CONTEXT = {  # every variable any template uses, with values of the right kind
    "about_name": "Alex Example", "activation_link": "https://hub.example/a?t=x", "areas": [],
    "case_number": "C-1", "certificate_number": "PTFC-AAAA-BBBB-CCCC-DDDD", "decided": [],
    "due_on": "Monday 7 December 2026", "elearning_complete": True, "elearning_completed": True,
    "elearning_completed_on": "10 November 2026", "elearning_due_on": "16 November 2026",
    "expires_at": "5 November 2026 at 14:30", "join_url": "https://meet.example/s", "mode": "online",
    "modules_done": 3, "modules_left": 6, "offer": None, "parent_hub_url": "https://hub.example",
    "person_id": "P-1", "reason": "session_full", "say": "", "session_id": "S-1", "venue": "Room 3",
    "when": ["Tuesday 1 December 2026, 10:00 to 12:30 (UK time)"], "workshop_attended": False,
    "workshop_attended_on": "20 November 2026", "day": 7,
    # a plan's download links (plans: plan_for_parent, plan_share_link)
    "agreed": 6, "occasion": "finished", "plan_link": "https://plans.example/plans/links/L1.s/plan.pdf",
    "child_link": "https://plans.example/plans/links/L1.s/child-friendly.pdf",
    # CPPP (its own track): one parent's sessions, the rule's numbers, the window
    "sessions_attended": 4, "joint_sessions": 1, "sessions": ["5 January 2027 (joint session)", "12 January 2027"],
    "sessions_required": 4, "joint_required": 1, "weeks": 12, "window_ends_on": "29 March 2027",
    "started": True, "shortfall": [],
}


def text_of(template: str, programme: str, route: str | None) -> str:
    msg = Renderer().build(notification_id="a" * 32, template=template, context=CONTEXT, name="Alex Example",
                           address="alex@parents.example", sender="PTfC <no-reply@ptfc.example>",
                           attachments=[], programme=programme, route=route)
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    body = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    return " ".join(f"{parsed['Subject']}\n{body}\n{html}".split())  # line breaks folded


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_a_court_ordered_parent_is_told_it_was_ordered(template):
    text = text_of(template, "ptfc", "court_order")
    assert "ordered by the family court" in text and "recommended" not in text
    if template in PARENT_ONLY:
        assert "The family court has ordered you to take part." in text


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_an_fca_recommended_parent_is_told_it_is_not_a_direct_order(template):
    text = text_of(template, "ptfc", "fca_recommendation")
    assert "ordered by the family court" not in text and "has ordered" not in text
    assert "a course a Family Court Adviser recommended" in text
    if template in PARENT_ONLY:
        assert "recommended that you take part. It's not a direct order" in text


@pytest.mark.parametrize("template", sorted(PARENT_ONLY))
def test_a_cppp_parent_is_told_they_volunteered_and_the_email_names_cppp(template):
    text = text_of(template, "cppp", "court_order")
    assert "You volunteered to take part" in text and "Positive co-Parenting Programme" in text
    assert "Planning Together for Children" not in text and "ordered" not in text


def test_without_a_route_the_words_claim_neither_an_order_nor_a_recommendation():
    words = course_words("ptfc", None)
    assert "order" not in words.why + words.footer and "recommend" not in words.why + words.footer
