"""CPPP on the referral service: both parents consent, sessions in, then completion, a lapse at
the end of the window, or a withdrawal; and who is told. One rule per scenario, each run on
PostgreSQL alone and one, marked `broker`, on the broker too (tests/support/tiers.py)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from contracts import cppp as C
from contracts import referral as R
from contracts import topics as T
from services.referral.app import SPEC as REFERRAL
from tests.support.builders import referral, uid
from tests.support.kafka import envelope
from tests.support.tiers import BOTH, DIRECT, Subject

GUARDIAN = {"name": "Gail Guardian", "email": "gail@cafcass.example"}
T0 = datetime(2027, 1, 4, 9, tzinfo=timezone.utc)  # a Monday, 09:00 (UTC): day 0
DAY = T0.date()
WINDOW_ENDED = T0 + timedelta(weeks=12, days=1)  # day 0 + 12 weeks has ended


@pytest.fixture
def subject() -> Subject:
    return Subject(REFERRAL, at=T0)


class Case:
    """Two parents of one case, each referred to CPPP by their own referral."""

    def __init__(self, tier, proceedings: str) -> None:
        self.tier, self.proceedings = tier, proceedings
        self.case, self.a, self.b = uid("C"), uid("P"), uid("P")

    async def send(self, type_: str, data: dict, at: datetime) -> None:
        await self.tier.send(T.PARTNER_REFERRALS, envelope(type_, data, subject=self.case, time=at))

    async def refer(self, person: str, co_parent: str, at: datetime = T0) -> dict:
        block = {"proceedings": self.proceedings, "consent": True,
                 **({"guardian": GUARDIAN} if self.proceedings == "rule_16_4" else {})}
        req = referral(case=self.case, person=person, programme="cppp", co_parent_person_ids=[co_parent], cppp=block)
        await self.send(R.REQUESTED, req, at)
        return req

    async def both(self) -> tuple[dict, dict]:
        """Both parents consented: the programme has started."""
        return await self.refer(self.a, self.b), await self.refer(self.b, self.a, T0 + timedelta(hours=1))

    async def session(self, held_on: date, attended: list[str], joint: bool, at: datetime) -> None:
        await self.send(C.SESSION_RECORDED, {"case_number": self.case, "session_id": uid("S"),
                                             "held_on": held_on.isoformat(), "attended_person_ids": attended,
                                             "joint": joint}, at)

    async def four_each(self) -> None:
        """A joint session in week 1, then one each alone in weeks 2 to 4."""
        await self.session(DAY + timedelta(days=7), [self.a, self.b], True, T0 + timedelta(days=7))
        for week in (2, 3, 4):
            await self.session(DAY + timedelta(weeks=week), [self.a], False, T0 + timedelta(weeks=week))
            await self.session(DAY + timedelta(weeks=week, days=1), [self.b], False,
                               T0 + timedelta(weeks=week, days=1))

    async def two_and_one(self) -> None:
        """A joint session in week 1 and one for `a` alone in week 2."""
        await self.session(DAY + timedelta(days=7), [self.a, self.b], True, T0 + timedelta(days=7))
        await self.session(DAY + timedelta(days=14), [self.a], False, T0 + timedelta(days=14))


async def outcomes(tier, type_: str) -> dict[str, dict]:
    return {e["data"]["person_id"]: e["data"] for e in await tier.events(T.REFERRAL_EVENTS, type_)}


# Consent


@DIRECT
async def test_one_parents_consent_alone_does_not_start_the_programme(tier):
    c = Case(tier, "rule_16_4")
    await c.refer(c.a, c.b)
    assert [m["contact_id"] for m in await tier.emails("cppp_waiting")] == [c.a]
    assert not await tier.emails("cppp_started")


@DIRECT
async def test_both_parents_consent_starts_the_programme_for_each(tier):
    c = Case(tier, "rule_16_4")
    await c.both()
    assert sorted(m["contact_id"] for m in await tier.emails("cppp_started")) == sorted([c.a, c.b])


@DIRECT
async def test_a_session_before_the_programme_started_is_refused(tier):
    c = Case(tier, "rule_16_4")
    await c.refer(c.a, uid("P"))  # the other parent never consents
    await c.session(DAY + timedelta(days=7), [c.a], False, T0 + timedelta(days=7))
    (reason,) = await tier.dead_letters()
    assert reason.startswith("the case's CPPP has not")


# Completion


@BOTH
async def test_four_sessions_with_one_joint_complete_the_programme_for_each_parent(tier):
    c = Case(tier, "rule_16_4")
    await c.both()
    await c.four_each()
    done = await outcomes(tier, R.COMPLETED)
    assert set(done) == {c.a, c.b}
    for d in done.values():
        assert d["programme"] == "cppp" and not {"certificate_number", "elearning_completed_on"} & d.keys()
        assert (d["cppp"]["sessions_attended"], d["cppp"]["joint_sessions"], d["cppp"]["shortfall"]) == (4, 1, [])


@DIRECT
async def test_a_rule_16_4_completion_is_reported_to_the_court_and_guardian_never_the_fca(tier):
    c = Case(tier, "rule_16_4")
    ra, rb = await c.both()
    await c.four_each()
    reports = await tier.emails("cppp_completed")
    assert sorted(m["contact_id"] for m in reports) == sorted(
        f"{who}:{r['referral_id']}" for r in (ra, rb) for who in ("court", "guardian"))
    about_a = next(m["context"] for m in reports if m["context"]["about"] == c.a)
    assert about_a["sessions"][0].endswith("(joint session)") and len(about_a["sessions"]) == 4


@DIRECT
async def test_a_completed_programme_leaves_no_lapse_or_ptfc_day_42_timer(tier):
    c = Case(tier, "rule_16_4")
    ra, rb = await c.both()
    await c.four_each()
    assert len(await tier.events(T.REFERRAL_EVENTS, R.COMPLETED)) == 2
    # Each programme its own clock: no PTfC day-42 timer, and the lapse timers are gone.
    assert await tier.svc.pool.fetchval("SELECT count(*) FROM timers WHERE key = ANY($1) AND fired_at IS NULL "
                                        "AND kind IN ('cppp-lapse', 'non-completion-check')",
                                        [ra["referral_id"], rb["referral_id"]]) == 0


# Lapse


@DIRECT
async def test_a_lapse_at_the_end_of_the_window_reports_what_each_parent_did(tier):
    c = Case(tier, "section_7")
    await c.both()
    await c.two_and_one()
    await tier.at(WINDOW_ENDED)
    lapsed = await outcomes(tier, R.NON_COMPLETION_REPORTED)
    d = lapsed[c.a]
    assert (d["programme"], d["elearning_completed"], d["workshop_attended"]) == ("cppp", False, False)
    assert (d["cppp"]["sessions_attended"], d["cppp"]["joint_sessions"], d["cppp"]["shortfall"]) == (
        2, 1, ["too_few_sessions"])
    assert d["reported_on"] == WINDOW_ENDED.date().isoformat()
    assert lapsed[c.b]["cppp"]["sessions_attended"] == 1


@DIRECT
async def test_a_session_held_in_the_window_but_recorded_after_it_ended_does_not_count(tier):
    c = Case(tier, "section_7")
    await c.both()
    await c.two_and_one()
    # Held within the window, recorded after it ended: judged as of the due time, it does not count.
    await c.session(DAY + timedelta(days=80), [c.b], False, WINDOW_ENDED + timedelta(days=1))
    await tier.at(WINDOW_ENDED)
    lapsed = await outcomes(tier, R.NON_COMPLETION_REPORTED)
    assert (lapsed[c.a]["cppp"]["sessions_attended"], lapsed[c.b]["cppp"]["sessions_attended"]) == (2, 1)


@DIRECT
async def test_a_section_7_lapse_is_reported_to_the_fca_and_court_and_no_guardian(tier):
    c = Case(tier, "section_7")
    ra, rb = await c.both()
    await c.two_and_one()
    await tier.at(WINDOW_ENDED)
    reports = await tier.emails("cppp_not_completed")
    assert sorted(m["contact_id"] for m in reports) == sorted(
        f"{who}:{r['referral_id']}" for r in (ra, rb) for who in ("court", "fca"))


@DIRECT
async def test_a_case_the_other_parent_never_consented_to_is_reported_to_the_guardian_and_court(tier):
    c = Case(tier, "rule_16_4")
    ra = await c.refer(c.a, uid("P"))
    await tier.at(WINDOW_ENDED)
    d = (await outcomes(tier, R.NON_COMPLETION_REPORTED))[c.a]
    assert d["cppp"]["shortfall"] == ["not_started", "too_few_sessions", "no_joint_session"]
    assert d["cppp"]["started"] is False and d["cppp"]["sessions_attended"] == 0
    reports = await tier.emails("cppp_not_completed")
    assert sorted(m["contact_id"] for m in reports) == sorted(
        [f"guardian:{ra['referral_id']}", f"court:{ra['referral_id']}"])


# Withdrawal


async def withdrawn_after_a_joint_session(tier) -> tuple[Case, dict]:
    c = Case(tier, "section_7")
    ra, _ = await c.both()
    await c.session(DAY + timedelta(days=7), [c.a, c.b], True, T0 + timedelta(days=7))
    await c.send(R.WITHDRAWN, {"referral_id": ra["referral_id"], "reason": "moved away"}, T0 + timedelta(days=8))
    assert len(await tier.events(T.REFERRAL_EVENTS, R.WITHDRAWAL_ACCEPTED)) == 1
    return c, ra


@DIRECT
async def test_a_withdrawal_stops_that_parents_programme_for_good(tier):
    c, ra = await withdrawn_after_a_joint_session(tier)
    await tier.at(WINDOW_ENDED)
    assert await tier.svc.pool.fetchval("SELECT count(*) FROM timers WHERE key = $1 AND kind = 'cppp-lapse'",
                                        ra["referral_id"]) == 0  # cancelled: it can never report
    assert c.a not in await outcomes(tier, R.COMPLETED)
    assert c.a not in await outcomes(tier, R.NON_COMPLETION_REPORTED)


@DIRECT
async def test_after_a_withdrawal_the_other_parent_can_still_complete(tier):
    c, _ = await withdrawn_after_a_joint_session(tier)
    for n in (2, 3, 4):
        await c.session(DAY + timedelta(weeks=n), [c.b], False, T0 + timedelta(weeks=n))
    done = await outcomes(tier, R.COMPLETED)
    assert list(done) == [c.b] and done[c.b]["cppp"]["joint_sessions"] == 1
