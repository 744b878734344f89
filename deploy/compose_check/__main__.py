"""`make compose-check`: docker-compose.yml run for real on a Docker engine, with local stand-ins
for the images no registry can give here (deploy/compose.standins.yml). Skips where no engine
answers `docker info`. Usage: python -m deploy.compose_check [--keep]"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import traceback

from . import images, proofs, scaling
from .compose import Compose
from .run import CheckFailed, Steps

PROJECT = os.environ.get("PTFC_CHECK_PROJECT", "ptfc-compose-check")  # never an operator's `ptfc`
TAG = "compose-check"  # the image tag (PTFC_TAG), so an operator's ptfc:local is left alone


def engine_answers() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def main(argv: list[str]) -> int:
    if not engine_answers():
        print("compose-check: SKIPPED: no Docker engine answers `docker info` (nothing was run)")
        return 0
    start, steps, failed = time.monotonic(), Steps(), None
    compose = Compose(PROJECT, TAG)
    print(f"compose-check: project {PROJECT}, {compose.kind}")
    try:
        steps.run("Debian base image", images.base_image)
        steps.run("wheelhouse + build context", images.build_context)
        steps.run("stand-in images", images.standins)
        steps.run("project image", lambda: images.project_image(f"ptfc:{TAG}"))
        compose("down", "-v", "--remove-orphans")  # what an interrupted run may have left
        steps.run("up -d", lambda: compose("up", "-d", "--no-build") and "started")
        steps.run("init job", lambda: proofs.init_job(compose))
        steps.run("every service healthy", lambda: proofs.all_healthy(compose))
        steps.run("referral -> invitation email", lambda: proofs.referral_to_invitation(compose))
        steps.run("--scale workshops-lot-north=2", lambda: scaling.scaled_lot(compose))
    except Exception as exc:  # a proof that did not hold, or the check's own error: both end here
        if not isinstance(exc, CheckFailed):
            traceback.print_exc()
        failed = (steps.done[-1][0] if steps.done else "setup", exc)
    finally:
        if "--keep" in argv:
            print(f"--keep: the stack is left up ({' '.join(compose.cmd)} down -v to end it)")
        else:
            try:
                steps.run("down", lambda: proofs.down(compose))
            except CheckFailed as exc:
                failed = failed or ("down", exc)
    print("\ncompose-check summary:\n" + steps.summary())
    total = time.monotonic() - start
    if failed:
        print(f"\n{failed[1]}\ncompose-check: FAILED at '{failed[0]}' after {total:.0f} s")
        return 1
    print(f"compose-check: PASSED in {total:.0f} s: docker-compose.yml (deploy/Dockerfile image, init job, "
          f"every service healthy, host referral to invitation email, lot scaled to 2, clean down) "
          f"on local stand-ins for kafka, postgres and mailpit")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
