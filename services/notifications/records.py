"""What the notifications service's store returns: small typed records, never driver rows. Pure."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Claimed:
    """An email taken for sending, with its recipient's contact (the only place an address is read)."""

    notification_id: str
    case_number: str
    template: str
    context: dict[str, Any]
    attachments: list[dict[str, Any]]
    attempts: int  # this one included
    role: str
    name: str
    email: str
    programme: str | None
    route: str | None
    about_name: str | None  # the parent an FCA or court email concerns, if any

