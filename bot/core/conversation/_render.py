"""The words of the conversation: question prompts, feedback, summaries, progress, help.

Plain markdown (bold, bullets) that reads well both in Discord and in a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.answering.chat import HELP as CHAT_HELP
from bot.core.conversation._sessions import Result
from bot.core.errors import PrepbotError
from bot.core.roles import role_name

if TYPE_CHECKING:
    from bot.core.conversation._practice import Practice
    from bot.core.grading import Feedback
    from bot.core.postings import Posting
    from bot.core.profile import RoleProfile
    from bot.core.quiz import QuizQuestion
    from bot.core.state import Progress

RATE_HINT = ("Compare your answer with the key points above: how well did you know it? Say **again**, **hard**, "
             "**good** or **easy**; your rating schedules the review.")
MAX_LISTED = 20  # roles named in one message; the index may hold thousands
QUESTION_NAME_CHARS = 70  # a question named in a summary or rating: its first words
STUDY_TOPICS = 4
HOOK_TEXT = {
    "add_posting": "To add a posting, send it to me: a link, a file (PDF, DOCX, HTML, text) or the pasted text "
                   "(“add this posting: …”). In a server, use /posting add.",
    "fit_check": "For a fit check, attach your resume (PDF or DOCX) and say which role, e.g. “here's my resume, "
                 "check my fit for the Seattle role”.",
    "plan": "For a study plan, say how long you have and for which role, e.g. “plan my prep for the Seattle role, "
            "interview in 10 days”.",
    "forget": "To delete what I store about you (answers, reviews, resume), use /forget — it asks you to confirm.",
    "leaderboard": "Leaderboards are per server: use /leaderboard in your study group's server.",
}
ANSWER_HINT = "_Answer in your next message, or say “skip” or “stop”._"

HELP = CHAT_HELP


def coverage_of(feedback: Feedback) -> tuple[int, int]:
    """(key points credited, key points in total; contradicted ones count in the total)."""
    covered = len(feedback.covered)
    return covered, feedback.total


def fraction(feedback: Feedback) -> float:
    """The answer's quality score: credited points over all, each contradicted one counting against
    (a keyword list or a fluent wrong answer scores 0), so follow-ups and results never reward it."""
    return feedback.quality


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def question_block(question: QuizQuestion, label: str) -> str:
    """ "**Question 2 of 5** · recsys · hard" and the question text."""
    return f"**{label}** · {question.topic} · {question.difficulty}\n{question.question}"


def feedback_block(feedback: Feedback) -> str:
    """The grader's own rendering (each key point beside its verdict, job terms, most-used words) under a
    heading; the caller adds the request for a self-rating (RATE_HINT)."""
    return f"**Feedback**\n{feedback.render(rate=False).strip()}"


def role_label(posting: Posting | None) -> str:
    return f"the {posting.display_name} role" if posting else "any role"


def summary(results: list[Result], title: str, names: Callable[[str], str] | None = None) -> str:
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
    lines += [_result_line(r, names) for r in results]
    return "\n".join(lines)


def _result_line(result: Result, names: Callable[[str], str] | None) -> str:
    """One question of a run, named by its words (never its id)."""
    kind = "follow-up to " if result.follow_up else ""
    score = "skipped" if result.coverage is None else percent(result.coverage)
    label = names(result.question_id) if names else f"a {result.topic} question"
    return f"• {kind}{label} ({result.topic} · {result.difficulty}): {score}"


def question_name(practice: Practice, question_id: str, limit: int = QUESTION_NAME_CHARS) -> str:
    """A practice question as people see it: its first words in quotes ("“How would you…”")."""
    try:
        text = practice.question(question_id).question.strip()
    except PrepbotError:
        return "that question"
    return f"“{text if len(text) <= limit else text[: limit - 1].rstrip() + '…'}”"


def study_text(role: Posting, profile: RoleProfile, shown: int = STUDY_TOPICS) -> str:
    """What to study for a role: its top topics, each with the posting line that makes it matter,
    and an offer to quiz."""
    rows = [f"**What to study for {role_name(role)}**, from its posting:"]
    ranked = [(topic, weight) for topic, weight in profile.ranked() if weight > 0][:shown]
    for topic, weight in ranked:
        why = profile.why.get(topic) or []
        reason = f" — the posting says “{why[0]}”" if why else ""
        rows.append(f"• **{topic}** ({round(weight * 100)}%){reason}")
    if ranked:
        rows.append(f"Say “quiz me on {ranked[0][0]}” or “quiz me for this role” to practise.")
    return "\n".join(rows)


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
    listing = "\n".join(f"• {p.display_name} — {p.company or 'unknown company'}" for p in roles[:MAX_LISTED])
    return f"The roles I know ({len(roles)}):\n{listing}{_more(roles)}"


def ambiguous_text(roles: list[Posting], what: str) -> str:
    listing = "\n".join(f"• {p.display_name}" + (f" — {p.company}" if p.company else "") for p in roles[:MAX_LISTED])
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
