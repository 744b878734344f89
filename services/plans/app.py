"""Plans service wiring: one parenting plan per case, negotiated by the case's parents, and
downloadable (the plan and a child-friendly version) by link."""
from pathlib import Path

from ptfc.kit.service import ServiceSpec
from services.plans import api
from services.plans.handlers import build_router
from services.plans.settings import PlansSettings

SPEC = ServiceSpec(name="plans", package_dir=Path(__file__).parent, build_router=build_router,
                   http_routes=api.add_routes, settings=PlansSettings)
