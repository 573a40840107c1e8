"""The words of the conversation: question prompts, feedback, summaries, progress, help.

Plain markdown (bold, bullets) that reads well both in Discord and in a terminal.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.conversation._sessions import Result

if TYPE_CHECKING:
    from bot.core.grading import Feedback
    from bot.core.postings import Posting
    from bot.core.quiz import QuizQuestion
    from bot.core.state import Progress

RATE_HINT = "How well did you know it? Say **again**, **hard**, **good** or **easy** to schedule a review."
MAX_LISTED = 20  # roles named in one message; the index may hold thousands
ANSWER_HINT = "_Answer in your next message, or say “skip” or “stop”._"

HELP = """Here is what I can do:
• **Ask about the roles** — “what does the PhD one pay?”, then “and where is it?” (I remember the role).
• **Quiz** — “quiz me on pytorch”, “give me 3 hard recsys questions”, “quiz me for the e-commerce role”.
  I ask one question at a time and give feedback on each answer: key points covered ✓ and missed ✗.
• **Mock interview** — “start a mock interview for the research scientist role”. Questions adapt to
  how your answers go, with follow-ups. Say “stop” for a summary.
• **Review** — “review” or “what's due” serves practised questions whose review is due
  (after each answer say again / hard / good / easy; unrated ones are scheduled from your score).
• **Progress** — “my progress”. **Target role** — “set my role to the multimodal one”
  (used as the default for questions, quizzes and mock interviews).
• “skip” moves on, “stop” ends a quiz or interview."""


def coverage_of(feedback: Feedback) -> tuple[int, int]:
    """(key points covered, key points in total)."""
    covered = len(feedback.covered)
    return covered, covered + len(feedback.missed)


def fraction(feedback: Feedback) -> float:
    covered, total = coverage_of(feedback)
    return covered / total if total else 0.0


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def question_block(question: QuizQuestion, label: str) -> str:
    """ "**Question 2 of 5** · recsys · hard" and the question text."""
    return f"**{label}** · {question.topic} · {question.difficulty}\n{question.question}"


def feedback_block(feedback: Feedback) -> str:
    """The grader's own rendering (covered ✓ / missed ✗, job terms, most-used words) under a heading."""
    return f"**Feedback** — {percent(fraction(feedback))} of the key points\n{feedback.render().strip()}"


def role_label(posting: Posting | None) -> str:
    return f"the {posting.display_name} role" if posting else "any role"


def summary(results: list[Result], title: str) -> str:
    """A run's summary: how many answered or skipped, mean coverage, one line per question."""
    if not results:
        return f"**{title}** before any answer."
    answered = [r for r in results if r.coverage is not None]
    main = [r for r in answered if not r.follow_up]
    skipped = sum(1 for r in results if r.coverage is None)
    mean = sum(r.coverage for r in main) / len(main) if main else None  # type: ignore[misc]
    counts = f"{len(main)} question{'s' if len(main) != 1 else ''} answered"
    if skipped:
        counts += f", {skipped} skipped"
    follow_ups = len(answered) - len(main)
    if follow_ups:
        counts += f", {follow_ups} follow-up{'s' if follow_ups != 1 else ''}"
    lines = [f"**{title}** — {counts}; mean coverage {percent(mean)}."]
    lines += [_result_line(r) for r in results]
    return "\n".join(lines)


def _result_line(result: Result) -> str:
    kind = "follow-up to " if result.follow_up else ""
    score = "skipped" if result.coverage is None else percent(result.coverage)
    return f"• {kind}`{result.question_id}` ({result.topic} · {result.difficulty}): {score}"


def progress_text(progress: Progress, target: Posting | None) -> str:
    lines = ["**Your progress**",
             f"• Answers: {progress.answers} (mean coverage {percent(progress.mean_coverage)})",
             f"• Questions practised: {progress.questions_practised}; review cards: {progress.cards_total} "
             f"({progress.cards_due} due now)",
             f"• Streak: {progress.streak_days} day{'s' if progress.streak_days != 1 else ''}",
             f"• Target role: {target.display_name if target else 'not set (say “set my role to …”)'}"]
    if progress.topics:
        topics = ", ".join(f"{t.topic} {t.answers} ({percent(t.mean_coverage)})" for t in progress.topics.values())
        lines.append(f"• By topic: {topics}")
    return "\n".join(lines)


def roles_text(roles: list[Posting]) -> str:
    if not roles:
        return "No roles are indexed yet."
    listing = "\n".join(f"• {p.display_name} — {p.company or 'unknown company'} (`{p.role_id}`)"
                        for p in roles[:MAX_LISTED])
    return f"The roles I know ({len(roles)}):\n{listing}{_more(roles)}"


def ambiguous_text(roles: list[Posting], what: str) -> str:
    listing = "\n".join(f"• {p.display_name} (`{p.role_id}`)" for p in roles[:MAX_LISTED])
    return f"That matches {len(roles)} roles; which one {what}?\n{listing}{_more(roles)}"


def _more(roles: list[Posting]) -> str:
    extra = len(roles) - MAX_LISTED
    return f"\n…and {extra} more." if extra > 0 else ""


def next_review(delta: timedelta) -> str:
    """ "Next review in 10 minutes" / "in 3 days" / "now"."""
    seconds = max(0, round(delta.total_seconds()))
    if seconds < 60:
        return "Next review now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = round(seconds / size)
            return f"Next review in {count} {unit}{'s' if count != 1 else ''}"
    return "Next review now"
