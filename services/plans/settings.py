"""Plans' settings: its download links' lifetime and public address."""
from __future__ import annotations

from pydantic import PositiveInt

from services.programme import FromEnvironment


class PlansSettings(FromEnvironment):
    plan_link_ttl_days: PositiveInt = 14  # how long a parenting-plan download link works once sent
    # The public base URL links start with; unset: this instance's own http://HTTP_HOST:port
    # (right for `make run` only).
    plans_public_url: str | None = None
