"""CPPP (the Positive co-Parenting Programme) types: sessions recorded by Cafcass (v1.1)."""
from __future__ import annotations

from pydantic import Field

from contracts.envelope import WireModel
from contracts.text import Day, Id

SESSION_RECORDED = "ptfc.cppp.session-recorded.v1"


class CpppSessionRecorded(WireModel):
    """One structured session of a case's CPPP, on `ptfc.partner.referrals`."""

    case_number: Id
    session_id: Id
    held_on: Day
    attended_person_ids: list[Id] = Field(max_length=20)
    joint: bool = Field(description="Both parents attended together.")
