"""Workshop feedback and the programme's satisfaction figures: pure rules, no I/O.

Answers can hold a parent's own words, so nothing here ever repeats an answer's value: problems
name the field only, and the figures are counts and percentages.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WORKSHOP_FEEDBACK = "workshop-feedback"
HIGH_SATISFACTION = 4  # 4 and 5 out of 5 count as high satisfaction


@dataclass(frozen=True)
class WorkshopFeedback:
    clearer_understanding: bool
    child_at_centre: bool
    satisfaction: int


def workshop_feedback(answers: dict[str, Any]) -> WorkshopFeedback:
    """The three answers the figures need; ValueError lists every missing or wrong one."""
    problems = [f"answers.{key} must be true or false"
                for key in ("clearer_understanding", "child_at_centre")
                if not isinstance(answers.get(key), bool)]
    score = answers.get("satisfaction")
    # bool is an int in Python: `true` is not a score.
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        problems.append("answers.satisfaction must be a whole number from 1 to 5")
    if problems:
        raise ValueError("; ".join(problems))
    return WorkshopFeedback(answers["clearer_understanding"], answers["child_at_centre"], score)


def share(count: int, responses: int) -> dict[str, Any]:
    return {"count": count, "percent": round(100 * count / responses, 1) if responses else None}


def satisfaction_figures(responses: int, clearer: int, child_at_centre: int, high: int) -> dict[str, Any]:
    """One parent's latest workshop feedback counts once."""
    return {"responses": responses,
            "clearer_understanding": share(clearer, responses),
            "child_at_centre": share(child_at_centre, responses),
            "high_satisfaction": share(high, responses)}
