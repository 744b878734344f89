"""`ptfc demo` against the whole system as processes: a newcomer's cases reach their outcomes."""
from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta, timezone

from contracts import referral as R
from contracts import topics as T
from tests.support.builders import referral, uid
from tests.support.kafka import TopicReader, envelope, eventually, publish

FCA, COURT = "fca@demo.example", "court@demo.example"


def subjects_to(system, address: str) -> list[str]:
    return [m["Subject"] for m in system.sink.messages if m["To"].addresses[0].addr_spec == address]


async def test_the_demo_runs_every_case_to_its_outcome_and_says_where_to_look(system):
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ptfc.cli", "demo", env=system.env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=300)
    text = out.decode()
    assert proc.returncode == 0, err.decode()[-2000:]
    assert "[4/4] attendance, feedback and a parenting plan" in text and "ptfc report --from" in text
    # Two completions and one day-42 report reach the FCA and the court; the completing parents
    # get certificates; the parent who never set up an account gets a reminder with a new link.
    await eventually(lambda: sum("completed" in s and "not completed" not in s for s in subjects_to(system, FCA)) == 2
                     and sum("not completed" in s for s in subjects_to(system, COURT)) == 1,
                     timeout=60, what="completion and non-completion reports")
    for parent in ("alex.a", "sam.b"):
        await eventually(lambda: any("certificate" in s.lower() for s in subjects_to(system, f"{parent}@demo.example")),
                         timeout=60, what=f"{parent}'s certificate")
    await eventually(lambda: any("reminder" in s.lower() for s in subjects_to(system, "casey.d@demo.example")),
                     timeout=60, what="a reminder")
    # Live traffic would have cancelled the completing parents' reminders: so must the demo.
    assert not [s for p in ("alex.a", "sam.b") for s in subjects_to(system, f"{p}@demo.example")
                if "reminder" in s.lower()]


async def test_ptfc_replay_holds_every_timer_until_the_system_has_read_the_history(system, producer, infra):
    """The operator's commands against the running system: a referral made 60 days ago is accepted
    during a replay, and its long-due day-42 check waits for `ptfc replay end`."""
    env = {**system.env, "LOTS": "lot-north"}  # the lots running here

    async def replay(op: str) -> str:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "ptfc.cli", "replay", op, env=env,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), timeout=180)
        assert proc.returncode == 0, err.decode()[-2000:]
        return out.decode()

    assert "holding: all" in await replay("begin")
    req = referral()
    req["fca"]["email"] = fca = f"fca-{uid('r').lower()}@cafcass.example"
    case = req["case_number"]
    facts = await TopicReader(infra.kafka, system.topic(T.REFERRAL_EVENTS)).start()
    await publish(producer, system.topic(T.PARTNER_REFERRALS), envelope(
        R.REQUESTED, req, subject=case, time=datetime.now(timezone.utc) - timedelta(days=60)), case)
    await facts.wait_for(lambda es: [e for e in es if e["subject"] == case and e["type"] == R.ACCEPTED],
                         what="the acceptance")
    assert "replay ended" in await replay("end")  # the integration test proves nothing fires before
    await facts.wait_for(lambda es: [e for e in es if e["subject"] == case and e["type"] == R.NON_COMPLETION_REPORTED],
                         what="the day-42 report, once the replay ended")
    await eventually(lambda: any("not completed" in s for s in subjects_to(system, fca)), what="the FCA's report")
    await facts.stop()
