"""The plan emails (`plan_shared`, and the download links: `plan_share_link`, `plan_for_parent`) render in
text and HTML with exactly what plans sends (no terms)."""
from __future__ import annotations

import email
import email.policy

import pytest

from services.notifications.domain.render import Renderer


def test_plan_shared_email_renders_both_parts():
    context = {"case_number": "LS26C00417", "about": "P-1", "decided": 7, "areas": 10,
               "about_name": "Alex Example"}  # `about_name` is added by notifications' sender
    msg = Renderer().build(notification_id="n" * 32, template="plan_shared", context=context,
                           name="Family Court Adviser", address="fca@cafcass.example",
                           sender="PTfC <no-reply@ptfc.example>", attachments=[])
    assert "LS26C00417" in msg["Subject"]
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    for part in ("plain", "html"):
        body = parsed.get_body((part,)).get_content()
        assert "Dear Family Court Adviser" in body
        assert "Alex Example has shared the parenting plan for case LS26C00417" in " ".join(body.split())
        assert "7 of 10 areas" in body


def bodies(template: str, context: dict, name: str) -> tuple[str, list[str]]:
    msg = Renderer().build(notification_id="n" * 32, template=template, context=context, name=name,
                           address="someone@example.org", sender="PTfC <no-reply@ptfc.example>", attachments=[])
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    return msg["Subject"], [" ".join(parsed.get_body((p,)).get_content().split()) for p in ("plain", "html")]


LINKS = {"case_number": "LS26C00417", "agreed": 6, "areas": 10, "expires_at": "16 November 2026",
         "plan_link": "https://plans.example/plans/links/L0123456789abcdef.s3cret/plan.pdf"}


def test_the_professional_it_was_shared_with_gets_the_link_to_the_plan():
    subject, parts = bodies("plan_share_link", {**LINKS, "about": "P-1", "about_name": "Alex Example"},
                            "Family Court Adviser")
    assert "LS26C00417" in subject
    for body in parts:
        assert "Alex Example has shared the parenting plan for case LS26C00417 with you" in body
        assert LINKS["plan_link"] in body and "works until 16 November 2026" in body
        assert "6 of 10 areas are agreed" in body and "ask the parent for access" not in body


@pytest.mark.parametrize("occasion, opening", [
    ("completed", "is complete: every area has a final decision (6 of 10 areas agreed)"),
    ("finished", "has been marked finished with what is agreed: 6 of 10 areas. The others are shown in it as open"),
    ("children", "We never email children"),
    ("again", "Here is a new link to your parenting plan"),
])
def test_a_parent_gets_both_versions_and_is_told_why(occasion, opening):
    child_link = LINKS["plan_link"].replace("plan.pdf", "child-friendly.pdf")
    subject, parts = bodies("plan_for_parent", {**LINKS, "child_link": child_link, "occasion": occasion},
                            "Alex Example")
    assert ("child-friendly" in subject) == (occasion == "children")
    for body in parts:
        assert opening in body and LINKS["plan_link"] in body and child_link in body
        assert "work until 16 November 2026" in body
