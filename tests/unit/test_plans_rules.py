"""Parenting-plan rules: opening, the area state machine, completion (pure, no I/O)."""
from __future__ import annotations

import pytest

from services.plans.domain import agreement as D
from services.plans.domain.agreement import Area, Parent, Refused

A, B = "P-a", "P-b"


def suitable(*ids: str) -> list[Parent]:
    return [Parent(i, True, True) for i in ids]


def test_opening_needs_two_suitable_accepted_parents_and_no_concern():
    assert D.opening_refusal(suitable(A, B), concern=False) is None
    assert D.opening_refusal(suitable(A), concern=False) == D.CO_PARENT_NOT_REFERRED
    # A withdrawn co-parent does not count as someone to negotiate with.
    assert D.opening_refusal([Parent(A, True, True), Parent(B, True, False)], False) == D.CO_PARENT_NOT_REFERRED


@pytest.mark.parametrize("parents, concern", [
    ([Parent(A, True, True), Parent(B, False, True)], False),
    ([Parent(A, False, True)], False),  # unsuitable wins over "co-parent missing": nothing to wait for
    (suitable(A, B), True),
])
def test_unsuitable_or_concern_reads_the_same_generic_reason(parents, concern):
    assert D.opening_refusal(parents, concern) == D.NOT_AVAILABLE == "not_available"


def test_proposal_then_agreement_is_final():
    areas, steps = D.propose({}, A, [("money", "split 50/50")])
    assert areas["money"] == Area("proposed", A) and steps[0].terms == "split 50/50"
    areas, steps = D.respond(areas, B, [("money", "agree", None)])
    assert areas["money"].state == "agreed" and steps[0].final and steps[0].action == "agree"


def test_counter_is_a_new_proposal_awaiting_the_first_parent():
    areas, _ = D.propose({}, A, [("health", "x")])
    areas, steps = D.respond(areas, B, [("health", "counter", "y")])
    assert areas["health"] == Area("proposed", B)
    assert (steps[0].action, steps[0].state, steps[0].final, steps[0].terms) == ("counter", "proposed", False, "y")
    with pytest.raises(Refused, match="own proposal"):
        D.respond(areas, B, [("health", "agree", None)])
    areas, _ = D.respond(areas, A, [("health", "seek_help", None)])
    assert areas["health"].state == "seek_help"


@pytest.mark.parametrize("areas, by, items, reason", [
    ({}, B, [("money", "agree", None)], "no proposal"),
    ({"money": Area("proposed", A)}, A, [("money", "agree", None)], "own proposal"),
    ({"money": Area("agreed", A)}, B, [("money", "ask_court", None)], "final decision"),
])
def test_responses_that_break_the_rules_are_refused(areas, by, items, reason):
    with pytest.raises(Refused, match=reason):
        D.respond(areas, by, items)


def test_proposals_cannot_reopen_a_decision_or_jump_a_pending_one_but_can_be_revised():
    with pytest.raises(Refused, match="final decision"):
        D.propose({"money": Area("ask_court", A)}, A, [("money", "again")])
    with pytest.raises(Refused, match="awaiting a response"):
        D.propose({"money": Area("proposed", A)}, B, [("money", "mine")])
    areas, steps = D.propose({"money": Area("proposed", A)}, A, [("money", "revised")])
    assert areas["money"] == Area("proposed", A) and steps[0].terms == "revised"


def test_a_submission_is_all_or_nothing_and_does_not_mutate_its_input():
    before = {"money": Area("proposed", A)}
    with pytest.raises(Refused):
        D.respond(before, B, [("money", "agree", None), ("health", "agree", None)])
    assert before == {"money": Area("proposed", A)}


def test_complete_only_when_every_area_has_a_final_decision():
    assert len(D.AREAS) == 10
    areas, _ = D.propose({}, A, [(a, "t") for a in D.AREAS])
    assert not D.complete(areas)
    outcomes = ["agree", "seek_help", "ask_court"]
    answers = [(a, outcomes[i % 3], None) for i, a in enumerate(D.AREAS)]
    almost, _ = D.respond(areas, B, answers[:-1])
    assert not D.complete(almost)
    done, _ = D.respond(almost, B, answers[-1:])
    assert D.complete(done)
    assert D.decisions(done)["communication"] == "agreed"
    assert set(D.decisions(done).values()) == {"agreed", "seek_help", "ask_court"}


def test_a_plan_status_refuses_what_it_must():
    assert D.status_refusal(None, "submit") == "plan not open"
    assert D.status_refusal("closed", "share") == "plan closed"
    assert D.status_refusal("completed", "submit").startswith("plan completed")
    assert D.status_refusal("completed", "share") is None  # a finished plan can still be shared
    assert D.status_refusal("open", "submit") is None


def test_only_a_concern_raised_since_the_referral_was_accepted_counts():
    from datetime import datetime, timezone
    accepted = datetime(2026, 11, 2, tzinfo=timezone.utc)
    assert D.concern_counts(accepted, accepted)
    assert not D.concern_counts(datetime(2026, 10, 1, tzinfo=timezone.utc), accepted)


def test_a_plan_is_finished_with_what_is_agreed_and_then_takes_no_more_submissions():
    some = {"money": Area("agreed", A), "health": Area("proposed", B), "education": Area("ask_court", A)}
    assert D.finish_refusal("open", some) is None  # agreement may cover only some areas
    assert D.finish_refusal("open", {"health": Area("proposed", B)}).startswith("nothing agreed yet")
    assert D.finish_refusal("open", {}).startswith("nothing agreed yet")
    assert D.finish_refusal(None, some) == "plan not open" and D.finish_refusal("closed", some) == "plan closed"
    # Finished or completed already: accepted again (a fresh link), changes nothing.
    assert D.finish_refusal("finished", some) is None and D.finish_refusal("completed", some) is None
    assert D.status_refusal("finished", "submit") == "plan finished with what is agreed"
    assert D.status_refusal("finished", "share") is None
    states = D.states(some)
    assert states["money"] == "agreed" and states["health"] == "proposed" and states["communication"] == "open"
    assert len(states) == 10 and not D.complete(some)  # finished is not completed: the report's meaning stays
