"""PNG charts for /progress, /plan and `prepbot plan --chart` (matplotlib, headless Agg).

matplotlib is imported inside the drawing functions only, so start-up and every command that
draws nothing stay fast. Each function returns PNG bytes; the callers attach or write them.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.core.plan import StudyPlan
    from bot.core.state import Progress

NEW_COLOR = "#4C72B0"
REVIEW_COLOR = "#DD8452"
GOOD_COLOR = "#55A868"
WEAK_COLOR = "#C44E52"
DPI = 110
TITLE_CHARS = 70  # a role name longer than this is shortened in a chart title


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    _pyplot().close(fig)
    return buffer.getvalue()


def plan_chart(plan: StudyPlan, role_name: str) -> bytes:
    """Two panels: minutes per day (new questions and reviews, against the budget) and the
    predicted recall per topic on the interview day."""
    plt = _pyplot()
    topics = [t for t in plan.topics if t.questions]
    fig, (days_ax, recall_ax) = plt.subplots(
        2, 1, figsize=(9, 6.5 + 0.18 * len(topics)), gridspec_kw={"height_ratios": [3, 2 + 0.15 * len(topics)]})
    xs = list(range(len(plan.days)))
    new_minutes = [d.new * plan.minutes_per_new for d in plan.days]
    review_minutes = [d.minutes - d.new * plan.minutes_per_new for d in plan.days]
    days_ax.bar(xs, new_minutes, color=NEW_COLOR, label="new questions")
    days_ax.bar(xs, review_minutes, bottom=new_minutes, color=REVIEW_COLOR, label="reviews")
    days_ax.axhline(plan.minutes, color="black", linestyle="--", linewidth=1, label=f"budget ({plan.minutes} min)")
    days_ax.set_ylabel("minutes")
    step = max(1, math.ceil(len(xs) / 9))
    days_ax.set_xticks(xs[::step], [_short(d.date) for d in plan.days[::step]], rotation=0)
    days_ax.set_xlim(-0.6, len(xs) - 0.4)
    verdict = "fits" if plan.feasible else "does not fit"
    role_name = textwrap.shorten(role_name, TITLE_CHARS, placeholder="…")
    days_ax.set_title(f"Study plan to {plan.interview.isoformat()} — {role_name}\n"
                      f"minutes per day ({verdict} in {plan.minutes} min/day)", fontsize=11)
    top = max([plan.minutes, *(d.minutes for d in plan.days)])
    days_ax.set_ylim(0, top * 1.3)  # room above the budget line for the legend
    days_ax.legend(loc="upper left", ncol=3, fontsize=8, frameon=False)
    days_ax.spines[["top", "right"]].set_visible(False)
    if topics:
        names = [t.topic for t in topics][::-1]
        recalls = [t.predicted_recall for t in topics][::-1]
        colors = [GOOD_COLOR if r >= 0.85 else WEAK_COLOR for r in recalls]
        bars = recall_ax.barh(names, recalls, color=colors)
        for bar, topic in zip(bars, topics[::-1], strict=True):
            recall_ax.text(min(bar.get_width(), 1.0) + 0.01, bar.get_y() + bar.get_height() / 2,
                           f"{topic.predicted_recall:.0%} · {topic.questions} q · weight {topic.weight:.0%}",
                           va="center", fontsize=8)
        recall_ax.set_xlim(0, 1.35)
        recall_ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    else:
        recall_ax.text(0.5, 0.5, "no questions fit in this budget", ha="center", va="center",
                       transform=recall_ax.transAxes)
        recall_ax.set_yticks([])
    left = sum(plan.dropped.values())
    left_out = f"; {left} question{'s' if left != 1 else ''} left out to fit the budget" if left else ""
    recall_ax.set_title(f"predicted recall on the interview day (questions in the plan{left_out})", fontsize=10)
    recall_ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _png(fig)


def progress_chart(progress: Progress, due_per_day: Mapping[date, int], topic_names: Mapping[str, str]) -> bytes:
    """Two panels: mastery per topic (mean key points covered, with the number of answers) and
    reviews due per day over the coming days."""
    plt = _pyplot()
    topics = [tp for tp in progress.topics.values() if tp.mean_coverage is not None]
    topics.sort(key=lambda tp: tp.mean_coverage or 0.0)
    fig, (mastery_ax, due_ax) = plt.subplots(
        2, 1, figsize=(9, 5.5 + 0.22 * len(topics)), gridspec_kw={"height_ratios": [2 + 0.2 * len(topics), 2]})
    if topics:
        names = [topic_names.get(tp.topic, tp.topic) for tp in topics]
        values = [tp.mean_coverage or 0.0 for tp in topics]
        bars = mastery_ax.barh(names, values, color=[GOOD_COLOR if v >= 0.6 else WEAK_COLOR for v in values])
        for bar, tp in zip(bars, topics, strict=True):
            mastery_ax.text(bar.get_width() + 0.01, bar.get_y() + bar.get_height() / 2,
                            f"{tp.mean_coverage:.0%} · {tp.answers} answer{'s' if tp.answers != 1 else ''}",
                            va="center", fontsize=8)
        mastery_ax.set_xlim(0, 1.25)
        mastery_ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    else:
        mastery_ax.text(0.5, 0.5, "no graded answers yet", ha="center", va="center", transform=mastery_ax.transAxes)
        mastery_ax.set_yticks([])
        mastery_ax.set_xticks([])
    mastery_ax.set_title("mastery per topic (mean share of key points covered)", fontsize=10)
    mastery_ax.spines[["top", "right"]].set_visible(False)
    days = sorted(due_per_day)
    counts = [due_per_day[d] for d in days]
    due_ax.bar(range(len(days)), counts, color=REVIEW_COLOR)
    step = max(1, math.ceil(len(days) / 8))
    due_ax.set_xticks(list(range(len(days)))[::step], [_short(d) for d in days[::step]])
    due_ax.set_ylabel("cards")
    due_ax.set_title("reviews due per day (today first; earlier overdue cards count today)", fontsize=10)
    if not any(counts):
        due_ax.text(0.5, 0.5, "nothing due", ha="center", va="center", transform=due_ax.transAxes)
    due_ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(f"Progress: {progress.answers} answers · {progress.cards_total} cards · "
                 f"streak {progress.streak_days} day{'s' if progress.streak_days != 1 else ''}", fontsize=11)
    fig.tight_layout()
    return _png(fig)


def _short(day: date) -> str:
    return day.strftime("%b %d").replace(" 0", " ")


def reviews_due_per_day(cards: list[dict[str, Any]], today: date, days: int = 14) -> dict[date, int]:
    """Cards due on each of the next `days` days (UTC dates); overdue cards count today."""
    from datetime import datetime, timedelta

    counts = {today + timedelta(days=n): 0 for n in range(days)}
    last = today + timedelta(days=days - 1)
    for row in cards:
        due = datetime.fromisoformat(row["card"]["due"]).date()
        if due <= last:
            counts[max(due, today)] += 1
    return counts


def progress_png(state: Any, topic_names: Mapping[str, str], user_id: str, now: Any,
                 progress: Progress | None = None) -> bytes:
    """The /progress chart for a user, from the state store (mastery, then reviews due per day)."""
    progress = progress or state.progress(user_id, now)
    due = reviews_due_per_day(state.all_cards(user_id), now.date())
    return progress_chart(progress, due, topic_names)
