"""The console's charts, drawn on the server as SVG by matplotlib (its object API, no pyplot: no
global state, so charts can be drawn on a worker thread). Glyphs are drawn as paths, so the page
needs no font and fetches nothing. Pure apart from CPU: data in, SVG text out.
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("svg")  # before anything else of matplotlib: no GUI backend, no display needed

from matplotlib.figure import Figure  # noqa: E402

from services.reporting.domain.trends import ELEARNING_TARGET, WORKSHOP_TARGET, Point  # noqa: E402

BLUE, ORANGE, GREY = "#1d5c96", "#b35900", "#505a5f"  # dark enough for text contrast on white


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]  # inline in HTML: without the XML declaration and doctype


def _axes(fig: Figure):
    ax = fig.add_subplot()  # no title inside: the page's figcaption is the chart's title
    ax.set_ylim(0, 105)
    ax.set_ylabel("percent")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def _targets(ax) -> None:
    ax.axhline(ELEARNING_TARGET, color=BLUE, linestyle=":", linewidth=1.2, label=f"e-learning target {ELEARNING_TARGET}%")
    ax.axhline(WORKSHOP_TARGET, color=ORANGE, linestyle=":", linewidth=1.2, label=f"workshop target {WORKSHOP_TARGET}%")


def _legend(fig: Figure) -> None:
    """Below the axes, so it never hides a bar or a point."""
    fig.legend(loc="outside lower center", ncols=4, fontsize=7, frameon=False)


def _nan(v: float | None) -> float:
    return float("nan") if v is None else v


def over_time(points: list[Point]) -> str:
    """The two timeliness percentages per month of day 0 (a gap: nothing to count that month)."""
    fig = Figure(figsize=(7.5, 3.4), layout="constrained")
    ax = _axes(fig)
    x = list(range(len(points)))
    ax.plot(x, [_nan(p.elearning) for p in points], marker="o", color=BLUE, label="e-learning within 14 days")
    ax.plot(x, [_nan(p.workshop) for p in points], marker="s", color=ORANGE, label="workshop by day 35")
    _targets(ax)
    step = max(1, len(points) // 12)
    ax.set_xticks(x[::step], [p.label for p in points][::step], rotation=45, ha="right", fontsize=8)
    ax.set_xlim(-0.5, max(len(points) - 0.5, 0.5))
    _legend(fig)
    return _svg(fig)


def bars(points: list[Point]) -> str:
    """Both percentages side by side for each lot or area."""
    fig = Figure(figsize=(7.5, 3.4), layout="constrained")
    ax = _axes(fig)
    x = list(range(len(points)))
    w = 0.38
    ax.bar([i - w / 2 for i in x], [p.elearning or 0 for p in points], w, color=BLUE, label="e-learning within 14 days")
    ax.bar([i + w / 2 for i in x], [p.workshop or 0 for p in points], w, color=ORANGE, label="workshop by day 35")
    _targets(ax)
    ax.set_xticks(x, [p.label for p in points], fontsize=8)
    if not points:
        ax.text(0.5, 0.5, "no referrals in the period", transform=ax.transAxes, ha="center", color=GREY)
        ax.set_xticks([])
    _legend(fig)
    return _svg(fig)


def survey(figures: list[tuple[str, float | None]]) -> str:
    """The three workshop-feedback percentages as horizontal bars."""
    fig = Figure(figsize=(7.5, 2.2), layout="constrained")
    ax = fig.add_subplot()
    labels = [name for name, _ in figures]
    values = [v or 0 for _, v in figures]
    ax.barh(labels, values, color=BLUE)
    for i, (_, v) in enumerate(figures):
        ax.text(min((v or 0) + 1, 92), i, "none to count" if v is None else f"{v:.1f}%", va="center", fontsize=8)
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_xlabel("percent of respondents")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _svg(fig)
