"""Build a user's plan from what the bot knows about them, shared by the CLI, /plan and the daily DM."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.core.errors import PrepbotError
from bot.core.plan.build import InvalidPlan, PlanInputs, StudyPlan, build_plan

if TYPE_CHECKING:
    from bot.core.postings import Posting
    from bot.core.services import Services

GAPS_SESSION = "fit-gaps"  # written by the fit check (bot.core.fit.service)
SUBJECT_SHARE = 0.5


def parse_date(text: str) -> date:
    """YYYY-MM-DD, with a one-line message for anything else."""
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise InvalidPlan(f"'{text}' isn't a date I understand. Use YYYY-MM-DD, for example 2026-03-14.") from None


def plan_for(services: Services, user_id: str, posting: Posting, interview: date, minutes: int, today: date,
             now: datetime, *, save: bool = True) -> StudyPlan:
    """The plan from today to `interview` for `posting`, weighted by the role (its profile blended
    with its quiz weights, which put the role's subject first), the user's fit gaps on this role
    and their past scores, with their existing cards' reviews included."""
    maker = services.quiz_maker
    bank = maker.bank
    state = services.state
    stored = state.all_cards(user_id)
    carded = {row["question_id"] for row in stored}
    questions = {topic: [q.id for q in bank.questions(topic=topic) if q.id not in carded] for topic in bank.topics()}
    gaps_session = state.load_session(user_id, GAPS_SESSION) or {}
    gaps = gaps_session.get("topics", {}) if gaps_session.get("role") == posting.role_id else {}
    scores = {topic: tp.mean_coverage for topic, tp in state.progress(user_id, now).topics.items()
              if tp.mean_coverage is not None}
    cards = [(row["question_id"], _topic_of(services, row["question_id"]), row["card"]) for row in stored]
    settings = services.settings
    from bot.core.quiz.focus import quiz_weights  # the role's subject first, as its quizzes are

    profile = maker.profile(posting)
    leaning = quiz_weights(posting, profile, maker.profiler.scorer)
    # Half the role's subject (as its quizzes lean), half the posting's own spread, so a plan still
    # makes time for the tools and skills the posting lists.
    weights = {t: SUBJECT_SHARE * leaning.get(t, 0.0) + (1 - SUBJECT_SHARE) * w for t, w in profile.weights.items()}
    inputs = PlanInputs(posting.role_id, today, interview, int(minutes), settings.minutes_per_new,
                        settings.minutes_per_review, weights, questions, gaps, scores, cards)
    plan = build_plan(inputs)
    if save:
        state.save_plan(user_id, posting.role_id, interview, int(minutes), _saved(plan), now)
    return plan


def _saved(plan: StudyPlan) -> dict:
    """What the daily DM needs: each day's new question ids (reviews are read live from the cards)."""
    return {"days": {d.date.isoformat(): d.new_ids for d in plan.days}, "feasible": plan.feasible}


def _topic_of(services: Services, question_id: str) -> str:
    bank = services.quiz_maker.bank
    if question_id in bank:
        return bank.get(question_id).topic
    try:
        return services.quiz_maker.question(question_id).topic
    except (PrepbotError, LookupError):
        return "other"
