"""The `plan_shared` email renders in text and HTML with exactly what plans sends (no terms)."""
from __future__ import annotations

import email
import email.policy

from services.notifications.render import Renderer


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
