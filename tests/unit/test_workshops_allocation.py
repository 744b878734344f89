"""Property: whatever the sessions, parents, cases and request order, allocation keeps the rules."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from services.workshops.domain import allocation as A

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@st.composite
def worlds(draw):
    sessions = [A.Session(f"S{i}", T0 + timedelta(hours=draw(st.integers(0, 240))),
                          draw(st.sampled_from(["online", "in_person"])), draw(st.integers(1, 6)),
                          cancelled=draw(st.integers(0, 9)) == 0)
                for i in range(draw(st.integers(1, 8)))]
    parents = []
    for c in range(draw(st.integers(1, 8))):
        members = [f"P{c}-{i}" for i in range(draw(st.integers(1, 3)))]
        # Sometimes Cafcass lists the co-parents, sometimes only the case number ties them; listed
        # co-parents may each have a case of their own, so only the list ties them.
        listed = draw(st.booleans())
        own_cases = listed and draw(st.booleans())
        for i, m in enumerate(members):
            co = frozenset(x for x in members if x != m) if listed else frozenset()
            case = f"C{c}-{i}" if own_cases else f"C{c}"
            parents.append(A.Parent(m, case, in_person=draw(st.integers(0, 3)) == 0, co_parents=co))
    ops = draw(st.lists(st.tuples(
        st.sampled_from(["book", "book", "book", "cancel"]), st.integers(0, len(parents) - 1),
        st.one_of(st.none(), st.integers(0, len(sessions))),  # len(sessions): an unknown session id
        st.integers(-10, 260)), max_size=40))
    return sessions, parents, ops


def check_rules(sessions: list[A.Session]) -> None:
    for s in sessions:
        assert len(s.booked) <= s.capacity, f"{s.session_id} over capacity"
        families = [p.person_id.split("-")[0] for p in s.booked]  # P<c>-<i>: family c, by case or by list
        assert len(families) == len(set(families)), f"co-parents together in {s.session_id}"
        if s.mode == "online":
            assert not any(p.in_person for p in s.booked), f"in-person need placed online in {s.session_id}"
    everyone = [p.person_id for s in sessions for p in s.booked]
    assert len(everyone) == len(set(everyone)), "a parent holds two places"


@settings(max_examples=400, deadline=None)
@given(worlds())
def test_allocation_never_breaks_a_rule(world):
    sessions, parents, ops = world
    for op, who, target, hours in ops:
        parent, at = parents[who], T0 + timedelta(hours=hours)
        holds = next((s.session_id for s in sessions if parent in s.booked), None)
        if op == "cancel":
            sessions = [A.Session(s.session_id, s.starts_at, s.mode, s.capacity, s.cancelled,
                                  tuple(p for p in s.booked if p != parent)) for s in sessions]
            continue
        requested = None if target is None else f"S{target}"
        decision = A.place(parent, sessions, at, requested, holds=holds)
        if isinstance(decision, A.Placed):
            chosen = next(s for s in sessions if s.session_id == decision.session_id)
            assert chosen.starts_at > at, "booked into a session that had started"
            assert not chosen.cancelled and holds is None
            if requested is None:  # "the earliest that fits" really is the earliest
                assert all(A.why_not(s, parent, at) is not None for s in sessions if s.starts_at < chosen.starts_at)
            sessions = A.with_booking(sessions, decision.session_id, parent)
        else:
            if decision.offered is not None:
                assert A.why_not(decision.offered, parent, at) is None, "offered a session that does not fit"
            if decision.reason == A.NOTHING_FITS:
                assert all(A.why_not(s, parent, at) is not None for s in sessions)
            if holds is None and requested is not None and decision.offered is None:
                assert A.earliest_fitting(sessions, parent, at) is None
        check_rules(sessions)


def test_the_refusal_says_why_and_offers_the_earliest_fitting_session():
    a, b = A.Parent("a", "C1", co_parents=frozenset({"b"})), A.Parent("b", "C1")
    near = A.Session("near", T0 + timedelta(days=1), "online", 2, booked=(a,))
    later = A.Session("later", T0 + timedelta(days=3), "in_person", 6)
    latest = A.Session("latest", T0 + timedelta(days=5), "online", 6)
    assert A.place(b, [near, later, latest], T0, "near") == A.Refused(A.CO_PARENT, later)
    needs = A.Parent("n", "C2", in_person=True)
    assert A.place(needs, [near, later, latest], T0, "latest") == A.Refused(A.IN_PERSON_NEEDED, later)
    assert A.place(needs, [near, later], T0 + timedelta(days=4), "later") == A.Refused(A.STARTED, None)
    full = A.Session("full", T0 + timedelta(days=1), "online", 1, booked=(A.Parent("x", "C9"),))
    assert A.place(A.Parent("y", "C8"), [full, latest], T0, "full") == A.Refused(A.FULL, latest)
    assert A.place(A.Parent("y", "C8"), [full, latest], T0, None) == A.Placed("latest")
    assert A.place(A.Parent("y", "C8"), [full], T0, "gone") == A.Refused(A.NOT_FOUND, None)
    assert A.place(A.Parent("y", "C8"), [latest], T0, None, holds="full") == A.Refused(A.ALREADY_BOOKED)
    # One workshop per referral: a parent who attended one is not booked into another.
    assert A.place(A.Parent("y", "C8"), [latest], T0, None, attended=True) == A.Refused(A.ALREADY_ATTENDED)
