"""`ptfc demo` against the whole system as processes: a newcomer's cases reach their outcomes."""
from __future__ import annotations

import asyncio
import sys

from tests.support.kafka import eventually

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
