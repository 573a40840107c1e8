"""QuizMaker: quizzes tailored to a role, mixing bank questions with questions from the posting."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.core.errors import UnknownQuestion, UnknownTopic
from bot.core.postings import Posting
from bot.core.profile import RoleProfile, RoleProfiler
from bot.core.questions import DIFFICULTIES, QuestionBank
from bot.core.quiz.draw import draw_bank, posting_count, shuffled, spread_over_lines
from bot.core.quiz.focus import quiz_weights, with_weights
from bot.core.quiz.model import InvalidQuizRequest, Quiz, QuizQuestion, hashed_role, parse_posting_id
from bot.core.quiz.writer import PostingQuestionWriter

if TYPE_CHECKING:
    from bot.core.index import KnowledgeIndex

MAX_QUESTIONS = 20


class QuizMaker:
    """Builds quizzes over a question bank and the indexed postings; safe to share across threads."""

    def __init__(self, bank: QuestionBank, index: KnowledgeIndex) -> None:
        self.bank = bank
        self.index = index
        self.profiler = RoleProfiler(bank.topic_infos, index.embeddings)
        self.writer = PostingQuestionWriter(bank, self.profiler)

    def topics(self) -> list[str]:
        """The bank's topic ids."""
        return self.bank.topics()

    def profile(self, role: Posting) -> RoleProfile:
        """How much of a quiz for `role` each topic gets, and the posting lines that say why."""
        return self.profiler.profile(role)

    def resolve_role(self, name: str) -> Posting:
        """The one role `name` means, by the one role-resolution policy (bot.core.roles):
        `RoleNotFound` / `AmbiguousRole` name the roles the way people do."""
        return self.index.resolver.resolve_one(name)

    def posting_questions(self, role: Posting) -> list[QuizQuestion]:
        """Every question the role's requirement lines give, in posting order."""
        return self.writer.questions(role)

    def question(self, question_id: str) -> QuizQuestion:
        """Rebuild a question from its id: bank ids and posting-grounded ids both work."""
        text = question_id.strip()
        if text in self.bank:
            return QuizQuestion.from_bank(self.bank.get(text), "Asked by id.")
        parsed = parse_posting_id(text)
        if parsed is None:
            raise UnknownQuestion(self.bank.unknown_message(text))
        key, line_no, k = parsed
        role = self._role_for_key(key)
        if role is None:
            raise UnknownQuestion(f"No question '{text}': it was built from a posting that is no longer indexed.")
        for question in self.writer.questions(role):
            if question.id == text:
                return question
        raise UnknownQuestion(f"No question '{text}': the posting for {role.role_id} has no question {k} on line "
                              f"{line_no} (it may have changed since).")

    def _role_for_key(self, key: str) -> Posting | None:
        role = self.index.role(key)
        if role is not None:
            return role
        return next((p for p in self.index.roles() if hashed_role(p.role_id) == key), None)

    # ----- make a quiz --------------------------------------------------------------------------
    def make_quiz(self, role: str | None = None, topic: str | None = None, difficulty: str | None = None,
                  n: int = 5, seed: int | None = None, exclude: Iterable[str] = frozenset()) -> Quiz:
        """Up to `n` distinct questions (fewer only when the filters leave fewer)."""
        n, topic, difficulty = self._validate(n, topic, difficulty)
        posting = self.resolve_role(role) if role is not None and role.strip() else None
        rng = random.Random(seed)
        avoid = set(exclude)
        if posting is None:
            picked = draw_bank(self.bank, rng, n, topic=topic, difficulty=difficulty, avoid=avoid, posting=None,
                               profile=None)
            return Quiz(None, shuffled(rng, picked))
        profile = self.profile(posting)
        weights = quiz_weights(posting, profile, self.profiler.scorer)  # leaning to the role's subject
        grounded = [q for q in self.posting_questions(posting)
                    if q.id not in avoid and (topic is None or q.topic == topic)
                    and (difficulty is None or q.difficulty == difficulty)]
        want_posting = min(len(grounded), posting_count(n, rng))
        chosen = spread_over_lines(rng, grounded, want_posting, weights)
        bank = draw_bank(self.bank, rng, n - len(chosen), topic=topic, difficulty=difficulty, avoid=avoid,
                         posting=posting, profile=with_weights(profile, weights))
        if len(chosen) + len(bank) < n:  # the bank ran dry: top up from the posting
            rest = [q for q in grounded if q not in chosen]
            chosen += spread_over_lines(rng, rest, n - len(chosen) - len(bank), weights)
        return Quiz(posting, shuffled(rng, bank + chosen))

    def pick(self, *, recent: Iterable[str] = (), exclude: Iterable[str] = (), role: str | None = None,
             topic: str | None = None, difficulty: str | None = None, n: int = 5,
             seed: int | None = None) -> list[QuizQuestion]:
        """Up to `n` questions avoiding `recent` while any others fit, and never one in `exclude`.

        Why two sets: a question answered lately (or already posted to a study group) should wait its
        turn, yet a user who has answered everything on a narrow topic still gets a question rather than
        none; a question already asked in this mock interview must never come back. Empty when the
        filters match nothing at all.
        """
        never = set(exclude)
        preferred = never | set(recent)
        attempts = (preferred, never) if preferred != never else (never,)
        for avoid in attempts:
            quiz = self.make_quiz(role=role, topic=topic, difficulty=difficulty, n=n, seed=seed, exclude=avoid)
            if quiz.questions:
                return list(quiz.questions)
        return []

    def _validate(self, n: int, topic: str | None, difficulty: str | None) -> tuple[int, str | None, str | None]:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_QUESTIONS:
            raise InvalidQuizRequest(f"A quiz has 1 to {MAX_QUESTIONS} questions; {n!r} is out of range.")
        if difficulty is not None:
            difficulty = difficulty.strip().lower()
            if difficulty not in DIFFICULTIES:
                raise InvalidQuizRequest(f"Unknown difficulty '{difficulty}'. Valid difficulties: "
                                         f"{', '.join(DIFFICULTIES)}.")
        if topic is not None:
            topic = topic.strip().lower()
            if topic not in self.bank.topics():
                raise UnknownTopic(topic, self.bank.topics())
        return n, topic, difficulty
