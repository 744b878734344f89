"""The services this system runs, by name (imported lazily: one process loads one service)."""
from __future__ import annotations

import importlib
import importlib.util
import os

from contracts.lots import LOTS

SERVICES = {
    "referral": "services.referral.app",
    "learning": "services.learning.app",
    "notifications": "services.notifications.app",
    "workshops": "services.workshops.app",
    "plans": "services.plans.app",
    "reporting": "services.reporting.app",
}


def available() -> list[str]:
    """Services whose package is present (a service still being built is simply not listed)."""
    out = []
    for name, mod in SERVICES.items():
        try:
            if importlib.util.find_spec(mod) is not None:
                out.append(name)
        except ModuleNotFoundError:  # the service's package folder is not there at all
            pass
    return out


def spec(name: str):
    if name not in SERVICES:
        raise SystemExit(f"unknown service {name!r}; choose from: {', '.join(SERVICES)}")
    return importlib.import_module(SERVICES[name]).SPEC


def instances(lots: list[str] | None = None) -> list[tuple[str, str | None]]:
    """(service, lot) for every process of `run all`: one workshops process per lot."""
    lots = lots or [l for l in os.environ.get("LOTS", ",".join(LOTS)).split(",") if l]
    out: list[tuple[str, str | None]] = []
    for name in available():
        if name == "workshops":
            out += [(name, lot) for lot in lots]
        else:
            out.append((name, None))
    return out
