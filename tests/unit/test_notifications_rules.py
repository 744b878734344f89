"""Notification identity, retry classes, and header safety (pure)."""
from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta, timezone

import pytest

from services.notifications.domain import delivery
from ptfc.kit.addresses import BadAddress
from services.notifications.domain.render import Renderer

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
CTX = {"activation_link": "https://hub.example/activate?token=abc", "expires_at": "26 November 2026"}


def build(name: str, address: str = "alex@parents.example", **kw):
    msg = Renderer().build(notification_id="f" * 32, template="invitation", context=CTX, name=name,
                           address=address, sender="PTfC <no-reply@ptfc.example>", attachments=[], **kw)
    return email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)


@pytest.mark.parametrize("name", ["Eve\r\nBcc: spy@evil.example", "Eve\nSubject: pay now", "Eve\rX-Hack: 1",
                                  "Eve\x00\r\n\r\nInjected body"])
def test_cr_lf_in_a_name_cannot_add_or_change_headers(name):
    msg = build(name)
    assert msg["Bcc"] is None and msg["X-Hack"] is None
    assert msg["Subject"] == "Your invitation to start Planning Together for Children"
    assert [a.addr_spec for a in msg["To"].addresses] == ["alex@parents.example"]
    assert "Injected body" not in msg.get_body(("plain",)).get_content().split("Dear")[0]


@pytest.mark.parametrize("address", ["alex@parents.example\r\nBcc: spy@evil.example", "not-an-address",
                                     "a@b.example, spy@evil.example"])
def test_a_bad_or_injected_address_is_refused(address):
    with pytest.raises(BadAddress):
        build("Alex", address)


def test_message_is_multipart_text_and_html_with_a_stable_id_and_escaped_html():
    msg = build("<b>Alex</b> & Sam")
    assert msg["Message-ID"] == "<" + "f" * 32 + "@notifications.ptfc>"
    assert msg.get_content_type() == "multipart/alternative"
    assert "&lt;b&gt;Alex&lt;/b&gt; &amp; Sam" in msg.get_body(("html",)).get_content()
    assert "<b>Alex</b> & Sam" in msg.get_body(("plain",)).get_content()


def test_notification_id_is_one_per_event_recipient_and_template():
    a = delivery.notification_id("/ptfc/learning", "e1", "P1", "invitation")
    assert a == delivery.notification_id("/ptfc/learning", "e1", "P1", "invitation")
    assert len({a, delivery.notification_id("/ptfc/learning", "e2", "P1", "invitation"),
                delivery.notification_id("/ptfc/learning", "e1", "P2", "invitation"),
                delivery.notification_id("/ptfc/learning", "e1", "P1", "reminder")}) == 4


def test_permanent_refusals_fail_at_once_and_transient_ones_back_off_a_bounded_number_of_times():
    assert delivery.after_failure(550, "no mailbox", 1, 8, NOW, 5).status == "failed"
    assert delivery.after_failure(550, "no mailbox", 1, 8, NOW, 5).permanent
    first = delivery.after_failure(421, "busy", 1, 8, NOW, 5)
    third = delivery.after_failure(None, "connection refused", 3, 8, NOW, 5)
    assert (first.status, first.retry_at) == ("retry", NOW + timedelta(seconds=5))
    assert third.retry_at == NOW + timedelta(seconds=20)
    last = delivery.after_failure(421, "busy", 8, 8, NOW, 5)
    assert last.status == "failed" and not last.permanent
    assert delivery.after_failure(None, "x", 30, 99, NOW, 5).retry_at == NOW + timedelta(seconds=600)


def test_non_ascii_names_long_lines_and_attachments_survive_the_round_trip():
    long_link = "https://hub.example/activate?token=" + "x" * 1200
    msg = Renderer().build(notification_id="e" * 32, template="invitation",
                           context={**CTX, "activation_link": long_link}, name="Zoë Ó Briain",
                           address="zoe@parents.example", sender="PTfC <no-reply@ptfc.example>",
                           attachments=[{"filename": "session.ics", "content_type": "text/calendar",
                                         "content": "BEGIN:VCALENDAR\r\nSUMMARY:Café\r\nEND:VCALENDAR\r\n"}])
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert not parsed.defects and all(not p.defects for p in parsed.walk())
    assert str(parsed["To"]) == "Zoë Ó Briain <zoe@parents.example>"
    body = parsed.get_body(("plain",)).get_content()
    assert "Dear Zoë Ó Briain" in body and long_link in body
    assert max(len(line) for line in msg.as_bytes().split(b"\r\n")) <= 998
    [att] = list(parsed.iter_attachments())
    assert att.get_filename() == "session.ics" and "SUMMARY:Café" in att.get_content()


def test_a_bad_address_fails_at_once_and_for_good():
    outcome = delivery.bad_address("no @-sign")
    assert (outcome.status, outcome.permanent, outcome.retry_at) == ("failed", True, None)
