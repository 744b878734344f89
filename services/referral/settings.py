"""Referral's settings: the programme's numbers it applies, and its Cafcass-area table.

The table's file is LOT_TABLE_FILE, plumbing (topic provisioning and reporting read it too), so the
kit's Settings names it; referral loads it once, at start (`with_areas`), so a bad file stops the
service there rather than on its first referral.
"""
from __future__ import annotations

from pydantic import PrivateAttr

from services.programme import Programme
from services.referral.domain import cppp, intake


class ReferralSettings(Programme):
    _areas: dict[str, str] | None = PrivateAttr(default=None)

    def with_areas(self, areas: dict[str, str]) -> ReferralSettings:
        """A copy holding the loaded table (the settings themselves are frozen)."""
        out = self.model_copy()
        out._areas = areas
        return out

    @property
    def areas(self) -> dict[str, str]:
        """Cafcass area -> lot."""
        if self._areas is None:
            raise RuntimeError("referral: the area table is loaded when the service starts")
        return self._areas

    @property
    def targets(self) -> intake.Targets:
        """The due dates an accepted referral carries, and CPPP's rule."""
        return intake.Targets(self.elearning_target_days, self.workshop_target_days,
                              self.completion_deadline_days, self.cppp_rule)

    @property
    def cppp_rule(self) -> cppp.Rule:
        return cppp.Rule.of(self)
