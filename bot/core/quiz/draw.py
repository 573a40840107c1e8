"""Drawing questions: bank questions by the role's topic weights, posting questions spread over lines.

Why weighted draws without replacement: a role quiz should follow what the posting stresses, yet
one strong topic must not fill the whole quiz, so a topic drawn once becomes less likely next time.
"""

from __future__ import annotations

import math
import random

from bot.core.postings import Posting
from bot.core.profile import RoleProfile
from bot.core.questions import BankQuestion, QuestionBank
from bot.core.quiz.model import QuizQuestion, clip

POSTING_SHARE = 0.4  # of a role quiz: enough to cover the role's own stack, the rest from the bank
TOPIC_DECAY = 0.5  # a topic drawn once is half as likely next time: one strong topic can't fill a quiz
PHD_BOOST = 2.0  # PhD roles draw phd-level questions twice as often as others
_ALL_LEVELS = frozenset({"any", "bs-ms", "phd"})


def draw_bank(bank: QuestionBank, rng: random.Random, count: int, *, topic: str | None, difficulty: str | None,
              avoid: set[str], posting: Posting | None, profile: RoleProfile | None) -> list[QuizQuestion]:
    """Up to `count` bank questions not in `avoid`: pick a topic by weight, then a question in it."""
    if count <= 0:
        return []
    levels = _levels_for(posting)
    phd_role = bool(posting and "phd" in (posting.level or "").lower())
    pools: dict[str, list[BankQuestion]] = {}
    for question in bank.questions(topic=topic, difficulty=difficulty):
        if question.id not in avoid and question.level in levels:
            pools.setdefault(question.topic, []).append(question)
    weights = {t: (profile.weights.get(t, 0.0) if profile else 1.0) for t in pools}
    picked: list[QuizQuestion] = []
    while len(picked) < count and pools:
        names = list(pools)
        chosen_topic = rng.choices(names, weights=[max(weights[t], 1e-9) for t in names])[0]
        pool = pools[chosen_topic]
        boost = [PHD_BOOST if q.level == "phd" and phd_role else 1.0 for q in pool]
        question = pool.pop(rng.choices(range(len(pool)), weights=boost)[0])
        picked.append(QuizQuestion.from_bank(question, _bank_why(bank, question, posting, profile),
                                             posting.role_id if posting else None))
        weights[chosen_topic] *= TOPIC_DECAY
        if not pool:
            del pools[chosen_topic]
    return picked


def _bank_why(bank: QuestionBank, question: BankQuestion, posting: Posting | None,
              profile: RoleProfile | None) -> str:
    """Why this bank question is in the quiz, quoting the posting lines that weighted its topic."""
    name = bank.topic_info(question.topic).name
    if posting is None or profile is None:
        return f"Drawn for general practice: {name} (no role chosen, so topics are drawn evenly)."
    weight = profile.weights.get(question.topic, 0.0)
    lines = profile.why.get(question.topic, [])
    if not lines:
        return (f"{name} is not named in this posting; every topic keeps a small share ({weight:.0%}) "
                f"so the quiz stays rounded.")
    quotes = "; ".join(f"“{clip(line)}”" for line in lines[:2])
    return f"{name} carries {weight:.0%} of this role's quiz because the posting says: {quotes}"


def _levels_for(posting: Posting | None) -> frozenset[str]:
    """A BS/MS role keeps to `any` and `bs-ms` questions; PhD and unknown levels draw everything."""
    level = (posting.level or "").lower() if posting else ""
    if "phd" in level or not level:
        return _ALL_LEVELS
    return frozenset({"any", "bs-ms"})


def posting_count(n: int, rng: random.Random) -> int:
    """About 40% of a role quiz; a one-question pick gets a posting question 40% of the time."""
    exact = n * POSTING_SHARE
    whole = math.floor(exact)
    return whole + (1 if rng.random() < exact - whole else 0)


def spread_over_lines(rng: random.Random, questions: list[QuizQuestion], count: int,
                      weights: dict[str, float] | None = None) -> list[QuizQuestion]:
    """`count` questions, preferring posting lines not used yet (a quiz should cover the posting);
    with `weights`, questions on heavier topics come first more often (a weighted shuffle)."""
    if count <= 0:
        return []
    order = list(questions)
    rng.shuffle(order)
    if weights:
        # Efraimidis-Spirakis: sorting by u ** (1 / w) draws without replacement in proportion to w.
        keys = {id(q): rng.random() ** (1.0 / max(weights.get(q.topic, 0.0), 1e-6)) for q in order}
        order.sort(key=lambda q: -keys[id(q)])
    chosen: list[QuizQuestion] = []
    lines_used: set[str] = set()
    for strict in (True, False):
        for question in order:
            if len(chosen) == count:
                return chosen
            line_key = question.id.rsplit("-", 1)[0]
            if question in chosen or (strict and line_key in lines_used):
                continue
            chosen.append(question)
            lines_used.add(line_key)
    return chosen


def shuffled(rng: random.Random, questions: list[QuizQuestion]) -> list[QuizQuestion]:
    """A shuffled copy: bank and posting questions interleave instead of coming in blocks."""
    order = list(questions)
    rng.shuffle(order)
    return order
