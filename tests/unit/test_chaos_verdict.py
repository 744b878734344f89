"""`make chaos`: what counts as lost, doubled or an explained repeat, and what fails the run (pure)."""
from __future__ import annotations

from collections import Counter

from contracts import learning as L
from contracts import referral as R
from ptfc.chaos import verdict as V
from ptfc.chaos.report import FaultTime, Figures, failures, render

EV, PL = "ptfc.learning.events", "ptfc.partner.learning"
LEARNING = "/ptfc/learning"


def fact(id_: str, type_: str = L.CERTIFICATE_ISSUED, topic: str = EV, **data) -> V.Fact:
    return V.Fact(topic, id_, LEARNING, type_, "C-1", {"person_id": "P-1", **data})


def evidence(facts: list[V.Fact], **kw) -> V.Evidence:
    base = dict(outboxes={}, inboxes={}, routes={}, partner_sent=set())
    return V.Evidence(facts, **{**base, **kw})


def test_a_relays_repeat_is_a_copy_not_a_duplicate():
    lo = V.losses(evidence([fact("e1"), fact("e1")]))
    assert (lo.copies, lo.duplicates, lo.events, lo.lost) == (1, [], 1, 0)


def test_a_once_only_fact_under_two_ids_is_a_duplicate_even_if_its_details_differ():
    lo = V.losses(evidence([fact("e1", certificate_number="A"), fact("e2", certificate_number="B")]))
    assert lo.duplicates == [(EV, L.CERTIFICATE_ISSUED, "P-1")]


def test_any_fact_with_the_same_content_under_two_ids_is_a_duplicate():
    lo = V.losses(evidence([fact("e1", "ptfc.x.v1", n=1), fact("e2", "ptfc.x.v1", n=1), fact("e3", "ptfc.x.v1", n=2)]))
    assert len(lo.duplicates) == 1


def test_an_outbox_row_that_never_reached_its_topic_is_lost():
    lo = V.losses(evidence([fact("e1")], outboxes={"learning": [(EV, "e1"), (EV, "e2")]}))
    assert lo.unpublished == [("learning", EV, "e2")] and lo.lost == 1


def test_a_service_still_at_work_while_the_evidence_was_read_is_no_verdict_and_fails_at_the_deadline():
    at_rest = {"referral": (10, 10, 0, 5, 0, 0, 0, 0), "notifications": (4, 4, 0, 9, 0, 0, 4, 0)}
    assert V.unsettled(at_rest, dict(at_rest)) == []
    # notifications recorded an email as sent meanwhile: one more outbox row, not yet relayed
    moved = {**at_rest, "notifications": (5, 5, 1, 9, 0, 0, 5, 0)}
    assert V.unsettled(at_rest, moved) == ["notifications"]
    assert V.unsettled(at_rest, {"referral": at_rest["referral"]}) == ["notifications"]
    assert failures(figures(unsettled=["notifications"])) == [
        "still at work while the evidence was read (not at rest): notifications"]


def test_an_event_a_service_handles_but_never_applied_is_lost_and_one_it_ignores_is_not():
    facts = [fact("e1"), fact("e2"), fact("e3", L.ELEARNING_COMPLETED)]
    lo = V.losses(evidence(facts, routes={"referral": {EV: frozenset({L.CERTIFICATE_ISSUED})}},
                           inboxes={"referral": {(LEARNING, "e1")}}))
    assert lo.unapplied == [("referral", EV, "e2")]


def test_a_partner_message_acknowledged_but_not_on_its_topic_is_lost():
    lo = V.losses(evidence([fact("m1", topic=PL)], partner_sent={(PL, "m1"), (PL, "m2")}))
    assert lo.partner == [(PL, "m2")]


KILL = V.Window("kill notifications", started=100.0, ended=102.0)


def test_an_email_repeated_across_a_kill_is_explained_and_one_repeated_in_quiet_times_is_not():
    em = V.emails([(99.5, "<a>"), (131.0, "<a>"), (10.0, "<b>"), (12.0, "<b>")], {"<a>", "<b>"}, [KILL], 4)
    assert em.repeats == [("<a>", "kill notifications"), ("<b>", "")]
    assert (em.deliveries, em.distinct, em.unexplained) == (4, 2, 1)


def test_an_email_recorded_sent_but_not_delivered_or_delivered_but_not_recorded_is_reported():
    em = V.emails([(1.0, "<a>")], {"<b>"}, [], 4)
    assert (em.missing, em.unrecorded) == (["<b>"], ["<a>"])


def test_a_fault_cannot_repeat_more_emails_than_were_on_the_wire():
    em = V.emails([(99.0, f"<{i}>") for i in range(3)] + [(120.0, f"<{i}>") for i in range(3)],
                  {f"<{i}>" for i in range(3)}, [KILL], concurrency=2)
    assert em.over_concurrency == ["kill notifications"] and em.unexplained == 0


def figures(**over) -> Figures:
    base = dict(referrals=2, outcomes=Counter({R.COMPLETED: 1, R.NON_COMPLETION_REPORTED: 1}), wrong=[], anomalies=[],
                faults=[FaultTime("kill", "learning", 1.2, 9.0), FaultTime("postgres-stop", "postgres", 20.0, 2.5, 1)],
                losses=V.losses(evidence([fact("e1"), fact("e1")])),
                emails=V.emails([(99.5, "<a>"), (131.0, "<a>")], {"<a>"}, [KILL], 4),
                stuck={"parked events": 0, "dead letters": 0})
    return Figures(**{**base, **over})


def test_a_clean_run_fails_nothing_and_prints_every_figure():
    f = figures()
    assert failures(f) == []
    text = render(f)
    for words in ("1 SIGKILLs", "PostgreSQL stopped for 20.0 s (1/1 services not ready half-way)",
                  "2/2 reached", "lost:        0",
                  "0 facts decided twice", "1 repeated (1 at kill notifications", "1 redelivered copies"):
        assert words in text, words


def test_a_missing_outcome_a_loss_a_leftover_or_an_unexplained_email_fails_the_run():
    assert "1 referrals did not reach" in failures(figures(outcomes=Counter({R.COMPLETED: 1}), wrong=["P-2"]))[0]
    lost = V.losses(evidence([fact("e1")], outboxes={"learning": [(EV, "e2")]}))
    assert "1 outbox rows never published" in failures(figures(losses=lost))[0]
    assert failures(figures(stuck={"parked events": 2})) == ["2 parked events at the end"]
    quiet = V.emails([(1.0, "<a>"), (2.0, "<a>")], {"<a>"}, [], 4)
    assert "1 emails repeated with no fault under way" in failures(figures(emails=quiet))[0]
