"""The reporting console under test: signing in as a browser would, and a small known cohort."""
from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

from contracts import topics as T
from tests.support.reporting import APRIL, Facts, utc  # noqa: F401 (APRIL: used by the console tests)
from tests.support.builders import uid
from tests.support.kafka import eventually

# The known cohort's figures as the console's KPI table shows them: whole cohort, A1, A10.
ELEARNING_ROW = "<th scope=\"row\">elearning completed.within 14 days.percent</th><td>66.7%</td><td>50.0%</td><td>100.0%</td>"
WORKSHOP_ROW = "<th scope=\"row\">sessions attended.by day 35.percent</th><td>50.0%</td><td>50.0%</td><td>-</td>"
CHILD_ROW = "<th scope=\"row\">survey.child at centre.percent</th><td>33.3%</td><td>50.0%</td><td>0.0%</td>"
DEAD_REASON = "not a CloudEvents envelope: specversion missing"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the 303 itself is what the test looks at
        return None


def _open(req: urllib.request.Request) -> tuple[int, dict, str]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=15) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


async def sign_in(port: int, token: str) -> tuple[int, dict, str]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/console/sign-in", data=f"token={token}".encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"}, method="POST")
    return await asyncio.to_thread(_open, req)


async def cookie_for(port: int, token: str) -> str:
    status, headers, _ = await sign_in(port, token)
    assert status == 303, status
    return headers["set-cookie"].split(";")[0]  # ptfc_console=<hmac>


async def page(port: int, query: str = "", cookie: str | None = None) -> tuple[int, str]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/console?{query}", headers={"Cookie": cookie} if cookie else {})
    status, _, body = await asyncio.to_thread(_open, req)
    return status, body


async def known_cohort(svc, producer) -> None:
    """Three April parents (A1 twice, A10) and one dead letter; returns once all are in the model."""
    f = Facts(svc, producer)
    c1, c3 = uid("C"), uid("C")
    p1, p2, p3 = uid("P"), uid("P"), uid("P")
    await f.accepted(c1, p1, "court_order", "A1", "lot-north", "2026-04-01", "2026-03-29")
    await f.accepted(c1, p2, "fca_recommendation", "A1", "lot-north", "2026-04-01", "2026-03-31")
    await f.accepted(c3, p3, "fca_recommendation", "A10", "lot-east", "2026-04-10", "2026-04-01")
    await f.elearning(c1, p1, utc("2026-04-15"))  # day 14: on time
    await f.elearning(c1, p2, utc("2026-04-16", 12))  # day 15: late
    await f.elearning(c3, p3, utc("2026-04-12"))  # day 2
    await f.attended(c1, p1, "2026-05-06", "S1")  # day 35
    await f.attended(c1, p2, "2026-05-07", "S1")  # day 36
    await f.survey(c1, p1, utc("2026-05-08"), True, True, 5)
    await f.survey(c1, p2, utc("2026-05-08"), True, False, 3)
    await f.survey(c3, p3, utc("2026-05-08"), False, False, 4)
    # A dead letter as a service writes it: the refused bytes (here a name) and the headers.
    await producer.send_and_wait(svc.topic(T.DEADLETTER), b'{"name": "Jane Console-Doe"}', key=c1.encode(), headers=[
        ("ptfc-reason", DEAD_REASON.encode()), ("ptfc-origin-topic", svc.topic(T.PARTNER_REFERRALS).encode()),
        ("ptfc-origin-partition", b"0"), ("ptfc-origin-offset", b"7"), ("ptfc-service", b"referral")])

    async def applied() -> bool:
        return (await svc.pool.fetchval("SELECT count(*) FROM inbox") == f.sent
                and await svc.pool.fetchval("SELECT count(*) FROM dead_letters_seen") == 1)
    await eventually(applied, timeout=60, what="every fact and the dead letter applied")
