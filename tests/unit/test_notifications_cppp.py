"""CPPP's emails: they name CPPP, say the parent volunteered, and never speak of PTfC's stages; a
report tells what that one parent did."""
from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from services.notifications.domain.render import Renderer

REPORT = {"case_number": "C-1", "about_name": "Alex Example", "sessions_attended": 2, "joint_sessions": 1,
          "sessions": ["11 January 2027 (joint session)", "1 February 2027"], "sessions_required": 4,
          "joint_required": 1, "weeks": 12, "window_ends_on": "29 March 2027", "started": True, "shortfall": []}
PTFC_WORDS = ("Planning Together", "Parent Hub", "certificate", "workshop", "online part", "ordered")


def text_of(template: str, context: dict, route: str = "court_order") -> str:
    msg = Renderer().build(notification_id="a" * 32, template=template, context=context, name="Leeds Family Court",
                           address="court@justice.example", sender="P <no-reply@ptfc.example>", attachments=[],
                           programme="cppp", route=route)
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    parts = (parsed["Subject"], parsed.get_body(("plain",)).get_content(), parsed.get_body(("html",)).get_content())
    return " ".join(" ".join(parts).split())


@pytest.mark.parametrize("template", ["cppp_waiting", "cppp_started", "cppp_completed", "cppp_not_completed"])
@pytest.mark.parametrize("route", ["court_order", "fca_recommendation"])
def test_every_cppp_email_names_cppp_says_volunteered_and_nothing_of_ptfc(template, route):
    text = text_of(template, REPORT, route)
    assert "Positive co-Parenting Programme" in text and "volunteered" in text
    assert not [w for w in PTFC_WORDS if w.lower() in text.lower()]


def test_the_completion_report_lists_the_parents_sessions_and_joint_ones():
    text = text_of("cppp_completed", {**REPORT, "sessions_attended": 4})
    assert "Alex Example volunteered for the Positive co-Parenting Programme and has completed it" in text
    assert "Sessions attended: 4" in text and "Joint sessions with the child's other parent: 1" in text
    assert "11 January 2027 (joint session)" in text and "own sessions only" in text


def test_a_lapse_where_both_parents_never_agreed_says_the_programme_did_not_start():
    text = text_of("cppp_not_completed", {**REPORT, "started": False, "shortfall": ["not_started"], "sessions": [],
                                          "sessions_attended": 0, "joint_sessions": 0})
    assert "not completed" in text and "which ended on 29 March 2027" in text
    assert "The programme did not start" in text and "Sessions, by date" not in text


def test_a_lapse_after_the_start_says_what_was_done_without_the_start_sentence():
    text = text_of("cppp_not_completed", {**REPORT, "shortfall": ["too_few_sessions"]})
    assert "did not start" not in text and "Sessions attended: 2" in text and "1 February 2027" in text
