"""Referral service wiring."""
from pathlib import Path

from contracts.lots import load_area_table
from ptfc.kit.service import Service, ServiceSpec
from services.referral import cppp_intake, cppp_outcomes, outcomes
from services.referral.handlers import build_router
from services.referral.settings import ReferralSettings


async def _on_start(svc: Service) -> None:
    svc.config = svc.config.with_areas(load_area_table(svc.settings.lot_table_file))


SPEC = ServiceSpec(name="referral", package_dir=Path(__file__).parent, build_router=build_router,
                   settings=ReferralSettings,
                   on_start=_on_start, timers={outcomes.NON_COMPLETION: outcomes.on_non_completion_due,
                                                         outcomes.RETENTION: outcomes.on_retention_due,
                                                         cppp_intake.LAPSE: cppp_outcomes.on_lapse_due},
                   # What the FCA and court are told depends on order: a fact from after a due
                   # check (a replay, a late workshop) is applied after it (ptfc/kit/ordering.py).
                   programme_order=True)
