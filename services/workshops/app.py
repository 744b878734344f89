"""Workshops service wiring: one instance per lot (`ptfc run workshops --lot lot-north`)."""
from pathlib import Path

from ptfc.kit.service import ServiceSpec
from services.workshops.handlers import build_router
from services.workshops.reminders import TIMERS
from services.workshops.settings import WorkshopsSettings

SPEC = ServiceSpec(name="workshops", package_dir=Path(__file__).parent, build_router=build_router,
                   timers=TIMERS, needs_lot=True, settings=WorkshopsSettings)
