"""Notifications service wiring."""
from pathlib import Path

from ptfc.kit.service import ServiceSpec
from services.notifications.handlers import build_router
from services.notifications.sender import Sender
from services.notifications.settings import NotificationsSettings


async def _send(svc) -> None:
    await Sender(svc).run()


SPEC = ServiceSpec(name="notifications", package_dir=Path(__file__).parent, build_router=build_router,
                   background=[_send], settings=NotificationsSettings)
