"""What the two downloadable versions of a plan say: pure (no I/O), printed by plans.pdf.

The plan itself: every area, with its agreed terms, or its open state and a summary of how it got
there (who proposed, countered or chose help or the court, and when: never the unagreed terms).
The child-friendly version: plain words, only the agreed arrangements that touch the child, and
nothing about disagreement, proposals or history.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ptfc.kit.calendar import long_date, uk_date
from services.plans.domain.agreement import AREAS, Area

TITLES = {"communication": "Communication", "living_arrangements": "Living arrangements",
          "holidays_and_special_days": "Holidays and special days", "education": "Education",
          "health": "Health", "money": "Money", "religion_and_culture": "Religion and culture",
          "emotional_wellbeing": "Emotional wellbeing", "family_and_friends": "Family and friends",
          "changes_to_the_plan": "Changes to the plan"}
# The areas a child lives. Left out: how the parents talk to each other, money between them and
# how they will change the plan are the adults' business, not arrangements a child needs to read.
CHILD_TITLES = {"living_arrangements": "Where you live and who you stay with",
                "holidays_and_special_days": "Holidays, birthdays and special days",
                "education": "School", "health": "Looking after your health",
                "religion_and_culture": "Your family's beliefs and culture",
                "emotional_wellbeing": "How you are feeling", "family_and_friends": "Seeing family and friends"}
OPEN = {None: "Open: nothing has been proposed for this area yet.",
        "proposed": "Open: not agreed yet. A proposal is waiting for the other parent's answer.",
        "seek_help": "Not agreed: the parents chose to seek help with this area (for example, mediation).",
        "ask_court": "Not agreed: the parents chose to ask the court to decide this area."}
DID = {"proposed": "proposed terms", "counter": "made a counter-proposal", "agree": "agreed",
       "seek_help": "chose to seek help", "ask_court": "chose to ask the court to decide"}
ERASED = "The agreed wording is no longer held: it was erased at a parent's request."


@dataclass(frozen=True)
class Step:
    """One row of the plan's history, as read back."""

    area: str
    person_id: str
    action: str
    terms: str | None
    at: datetime


@dataclass(frozen=True)
class Section:
    title: str
    state: str
    terms: str | None = None
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanText:
    title: str
    lines: tuple[str, ...]  # under the title: case, status, who is who, when this copy was made
    sections: tuple[Section, ...]


def agreed_terms(area: str, history: list[Step]) -> str | None:
    """An agreed area's terms: those of the last proposal or counter-proposal, the one agreed to."""
    offers = [s for s in history if s.area == area and s.action in ("proposed", "counter")]
    return offers[-1].terms if offers else None


def labels(opened_by: str, history: list[Step]) -> dict[str, str]:
    """Parent A opened the plan; Parent B is the other. The plans service holds no names."""
    order = list(dict.fromkeys([opened_by, *(s.person_id for s in history)]))
    return {p: f"Parent {chr(ord('A') + i)}" for i, p in enumerate(order)}


def status_line(status: str, agreed: int, finished_on: date | None, today: date) -> str:
    if status == "completed":
        return f"Complete: every area has a final decision ({agreed} of {len(AREAS)} areas agreed)."
    if status == "finished" and finished_on is not None:
        return (f"Finished on {long_date(finished_on)} with what is agreed: {agreed} of {len(AREAS)} areas "
                "agreed; the others are shown as open or not agreed.")
    return f"In progress: {agreed} of {len(AREAS)} areas agreed so far, as it stands on {long_date(today)}."


def plan_text(case_number: str, status: str, opened_by: str, finished_at: datetime | None,
              areas: dict[str, Area], history: list[Step], now: datetime) -> PlanText:
    who = labels(opened_by, history)
    agreed = sum(1 for a in areas.values() if a.state == "agreed")
    finished_on = uk_date(finished_at) if finished_at else None
    sections = []
    for area in AREAS:
        state = areas[area].state if area in areas else None
        if state == "agreed":
            last = [s for s in history if s.area == area][-1]
            sections.append(Section(TITLES[area], f"Agreed on {long_date(uk_date(last.at))}.",
                                    agreed_terms(area, history) or ERASED))
            continue
        summary = tuple(f"{long_date(uk_date(s.at))}: {who[s.person_id]} {DID[s.action]}."
                        for s in history if s.area == area)
        sections.append(Section(TITLES[area], OPEN[state], None, summary))
    lines = (f"Case {case_number}", status_line(status, agreed, finished_on, uk_date(now)),
             "Parent A opened the plan in the Parent Hub; Parent B is the other parent.",
             f"This copy was made on {long_date(uk_date(now))}.")
    return PlanText("Parenting plan", lines, tuple(sections))


def child_text(areas: dict[str, Area], history: list[Step]) -> PlanText:
    """Only agreed areas that touch the child, with the words agreed (none held: left out)."""
    sections = tuple(Section(title, "Your parents agreed:", terms)
                     for area, title in CHILD_TITLES.items()
                     if area in areas and areas[area].state == "agreed"
                     and (terms := agreed_terms(area, history)) is not None)
    if sections:
        lines = ("Your parents have made a plan together about some of the things in your life.",
                 "This is what they agreed. You can ask either of them about any of it.")
    else:
        lines = ("Your parents are making a plan together about some of the things in your life.",
                 "They will tell you about it, and you can ask either of them about it.")
    return PlanText("Our family plan", lines, sections)
