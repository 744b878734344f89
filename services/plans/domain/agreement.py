"""Parenting-plan rules: pure decisions, no I/O.

An area's state is one of: absent (nothing proposed), `proposed` by one parent (awaiting the
other), or final (`agreed`, `seek_help`, `ask_court`). A submission is applied all-or-nothing:
the first broken item refuses the whole event, so a plan never holds half of a parent's answer.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import get_args

from contracts.plan import PlanArea

AREAS: tuple[str, ...] = get_args(PlanArea)
FINAL = frozenset({"agreed", "seek_help", "ask_court"})
# Generic on purpose: an unsuitable parent or a concern must read the same to the other parent.
NOT_AVAILABLE = "not_available"
CO_PARENT_NOT_REFERRED = "co_parent_not_referred"


@dataclass(frozen=True)
class Parent:
    person_id: str
    plan_suitable: bool
    active: bool  # False once the referral is withdrawn


@dataclass(frozen=True)
class Area:
    state: str  # proposed | agreed | seek_help | ask_court
    by: str  # who proposed last (for a final state: who made the last proposal)


@dataclass(frozen=True)
class Step:
    """One applied item: what the history and the public fact record."""

    area: str
    action: str  # proposed | agree | counter | seek_help | ask_court
    state: str
    terms: str | None

    @property
    def final(self) -> bool:
        return self.state in FINAL


class Refused(Exception):
    """The event breaks a plan rule; `reason` is safe to show to either parent."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def concern_counts(raised_at: datetime, accepted_at: datetime) -> bool:
    """A concern stops or closes a plan only if raised since the parent's referral was accepted:
    one from an earlier referral (read late, say in a replay) does not close the new case's plan."""
    return raised_at >= accepted_at


def status_refusal(status: str | None, action: str) -> str | None:
    """Why a plan in `status` (None: never opened) refuses `action` ('submit', 'share' or
    'finish'), or None. A closed plan refuses everything; a completed or finished one can still be
    shared (and finished again: a fresh link), not changed."""
    if status is None:
        return "plan not open"
    if status == "closed":
        return "plan closed"
    if action == "submit" and status == "completed":
        return "plan completed: every area has a final decision"
    if action == "submit" and status == "finished":
        return "plan finished with what is agreed"
    return None


def finish_refusal(status: str | None, areas: dict[str, Area]) -> str | None:
    """Why a parent cannot mark the plan finished with what is agreed, or None. Agreement may
    cover some, most or all areas, but a plan with nothing agreed has nothing to finish with."""
    refused = status_refusal(status, "finish")
    if refused is None and status == "open" and not any(a.state == "agreed" for a in areas.values()):
        return "nothing agreed yet: a plan is finished with what is agreed"
    return refused


def states(areas: dict[str, Area]) -> dict[str, str]:
    """Every area's state, `open` where nothing was proposed (the plan-finished fact)."""
    return {a: areas[a].state if a in areas else "open" for a in AREAS}


def opening_refusal(parents: list[Parent], concern: bool) -> str | None:
    """Why the plan cannot open for this case now, or None. `parents`: the case's accepted ones."""
    if concern or any(not p.plan_suitable for p in parents):
        return NOT_AVAILABLE
    if sum(p.active for p in parents) < 2:  # a withdrawn parent can no longer negotiate
        return CO_PARENT_NOT_REFERRED
    return None


def propose(areas: dict[str, Area], by: str, items: list[tuple[str, str]]) -> tuple[dict[str, Area], list[Step]]:
    """A parent proposes terms for areas; re-proposing one's own pending proposal revises it."""
    areas, steps = dict(areas), []
    for area, terms in items:
        current = areas.get(area)
        if current is not None and current.state in FINAL:
            raise Refused(f"area {area} already has a final decision")
        if current is not None and current.by != by:
            raise Refused(f"area {area} has a proposal from the other parent awaiting a response")
        areas[area] = Area("proposed", by)
        steps.append(Step(area, "proposed", "proposed", terms))
    return areas, steps


_OUTCOME = {"agree": "agreed", "seek_help": "seek_help", "ask_court": "ask_court"}


def respond(areas: dict[str, Area], by: str,
            items: list[tuple[str, str, str | None]]) -> tuple[dict[str, Area], list[Step]]:
    """The other parent answers pending proposals: agree / counter / seek_help / ask_court."""
    areas, steps = dict(areas), []
    for area, decision, terms in items:
        current = areas.get(area)
        if current is None:
            raise Refused(f"area {area} has no proposal to respond to")
        if current.state in FINAL:
            raise Refused(f"area {area} already has a final decision")
        if current.by == by:
            raise Refused(f"area {area}: a parent cannot respond to their own proposal")
        if decision == "counter":
            # A counter is a new proposal by the responder, now awaiting the first parent.
            areas[area] = Area("proposed", by)
            steps.append(Step(area, "counter", "proposed", terms))
        else:
            areas[area] = replace(current, state=_OUTCOME[decision])
            steps.append(Step(area, decision, _OUTCOME[decision], terms))
    return areas, steps


def complete(areas: dict[str, Area]) -> bool:
    return all(a in areas and areas[a].state in FINAL for a in AREAS)


def decisions(areas: dict[str, Area]) -> dict[str, str]:
    return {a: areas[a].state for a in AREAS}
