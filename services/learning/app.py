"""Learning service wiring."""
from pathlib import Path

from ptfc.kit.service import ServiceSpec
from services.learning import api, certificates, progress
from services.learning.handlers import build_router
from services.learning.settings import LearningSettings

SPEC = ServiceSpec(name="learning", package_dir=Path(__file__).parent, build_router=build_router,
                   http_routes=api.add_routes, settings=LearningSettings,
                   timers={progress.REMINDER: progress.on_reminder_due,
                           certificates.TIMER: certificates.on_certificate_due})
