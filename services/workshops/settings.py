"""Workshops' settings: the programme's numbers it applies (follow-up calls, reminders before a
session) and the Parent Hub's address for its emails; its lot is the kit's (LOT)."""
from __future__ import annotations

from services.programme import ParentHub, Programme


class WorkshopsSettings(Programme, ParentHub):
    pass
