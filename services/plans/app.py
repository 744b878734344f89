"""Plans service wiring: one parenting plan per case, negotiated by the case's parents."""
from pathlib import Path

from ptfc.kit.service import ServiceSpec
from services.plans.handlers import build_router

SPEC = ServiceSpec(name="plans", package_dir=Path(__file__).parent, build_router=build_router)
