"""`ConversationEngine`: one DM (or terminal chat) turn in, one `Reply` out.

Dispatch order for a message: a bare rating rates the question waiting for one; "stop", "skip"
and "help" act on the running quiz or mock interview; while a question waits, anything else that
is not an unmistakable request is the answer to it; otherwise a plain-language request (quiz,
mock, review, progress, roles, target role) or, failing that, a question for the answer engine
(mid-quiz too, when it is short and ends in "?"). Which roles "it" means and the target role are
`RoleContext`'s (_context.py); the quiz and mock runs are `QuizFlow`'s and `MockFlow`'s.

All state is in the `StateStore` (SQLite), so a new engine on the same database carries on any
conversation, quiz or interview. Calls are synchronous and CPU-bound: run them in a worker thread.
Calls for the same user are serialised, so two quick DMs cannot interleave a session update.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.core.conversation import _render as render
from bot.core.conversation._context import RoleContext
from bot.core.conversation._mock import MockFlow
from bot.core.conversation._practice import Practice
from bot.core.conversation._quiz import QuizFlow
from bot.core.conversation._reply import Reply
from bot.core.conversation._requests import CONTROLS, HOOKS, TOPIC_ALIASES, Request, route
from bot.core.conversation._sessions import MOCK, QUIZ, ChatContext, MockSession, QuizSession
from bot.core.errors import PrepbotError, UnknownQuestion, UnknownTopic
from bot.core.roles import AmbiguousRole
from bot.core.state import StateError
from bot.core.text import words
from bot.core.understanding import IntentScore

if TYPE_CHECKING:
    from bot.core.conversation._needs import ConversationServices
    from bot.core.grading import Grader
    from bot.core.postings import Posting
    from bot.core.quiz import QuizMaker, QuizQuestion
    from bot.core.understanding import Query

log = logging.getLogger(__name__)

Active = MockSession | QuizSession | None


class ConversationEngine:
    """The conversation behind DMs, mock interviews and `prepbot chat`."""

    def __init__(self, services: ConversationServices, quiz_maker: QuizMaker, grader: Grader) -> None:
        self.services = services
        self.practice = Practice(services, quiz_maker, grader)
        self.quizzes = QuizFlow(self.practice)
        self.mocks = MockFlow(self.practice)
        self.context = RoleContext(services, self.practice)  # the roles the conversation is about
        self._locks: defaultdict[str, threading.RLock] = defaultdict(threading.RLock)
        # Requests other parts of the bot fulfil; each takes (user id, query, now) and returns a Reply.
        self.hooks: dict[str, Callable[[str, Query, datetime], Reply]] = {}
        self._locks_guard = threading.Lock()

    # ----- the public API -----------------------------------------------------------------------
    def handle(self, user_id: str, text: str, now: datetime, *, channel_key: str | None = None) -> Reply:
        """One message from the user; the turn and the reply are remembered under `channel_key`
        (default: the user's DM)."""
        user = str(user_id)
        key = channel_key or f"dm:{user}"
        with self._lock(user):
            self.services.state.append_turn(key, "user", text, now)
            reply = _safely(lambda: self._turn(user, key, text, now))
            self.services.state.append_turn(key, "bot", reply.text, now)
        return reply

    def start_mock(self, user_id: str, role: str | None, now: datetime) -> Reply:
        """Start (or restart) a mock interview; `role` is an id or words, None for the target role."""
        user = str(user_id)
        with self._lock(user):
            self.practice.settle(user, now)
            active: Active = self.mocks.load(user) or self.quizzes.load(user)
            return _safely(lambda: self._start_mock(user, role, now, active))

    def stop_mock(self, user_id: str, now: datetime) -> Reply:
        """End the mock interview with a summary (questions, mean coverage)."""
        user = str(user_id)
        with self._lock(user):
            return _safely(lambda: self.mocks.stop(user, self.mocks.load(user)))

    def rate(self, user_id: str, question_id: str, rating: str, now: datetime) -> str:
        """Schedule a practised question with a self-rating ("again|hard|good|easy"); returns
        e.g. "Next review in 3 days". Raises a PrepbotError for a bad rating or unknown question."""
        user = str(user_id)
        with self._lock(user):
            card = self.practice.rate(user, question_id, rating, now)
        return f"{render.next_review(card.due - now)}."

    def due_reviews(self, user_id: str, now: datetime, limit: int = 5) -> list[QuizQuestion]:
        """Practised questions whose review is due at `now`, most overdue first."""
        found = []
        for card in self.services.state.due_cards(str(user_id), now, limit=limit + 10):
            try:
                found.append(self.practice.question(card.question_id))
            except PrepbotError as error:  # a question removed from the bank since it was practised
                log.info("skipping review card %s of user %s: %s", card.question_id, user_id, error)
                continue
        return found[:limit]

    def grade_answer(self, user_id: str, question_id: str, answer: str, now: datetime,
                     guild_id: str | None = None, local_date: date | None = None) -> Reply:
        """Grade an answer to any bank question (study-group threads too): records the answer and
        the day's activity (`local_date`: the guild's local day) and offers a rating."""
        user = str(user_id)
        with self._lock(user):
            return _safely(lambda: self._grade_answer(user, question_id, answer, now, guild_id, local_date))

    # ----- one turn -----------------------------------------------------------------------------
    def _turn(self, user: str, key: str, text: str, now: datetime) -> Reply:
        active: Active = self.mocks.load(user) or self.quizzes.load(user)
        context = self.context.load(user, key, now)
        query = self._understand(text, context)
        request = route(query, answering=active is not None)
        if request.kind == "rate" and (waiting := self.practice.awaiting_rating(user)):
            return self._rate_in_chat(user, waiting, request.rating or "", now, active)
        self.practice.settle(user, now)
        if active is not None and request.kind in ("answer", "stop", "skip", "hint", "harder", "easier"):
            return self._in_session(user, active, request, text, now)
        if active is not None and request.kind == "ask":
            # "what should I study for X?" mid-quiz is advice from the role's profile, not a posting fact.
            advice = query.intent == "study_advice" and query.confident
            reply = (self.context.study_advice(user, key, query, now) if advice
                     else self.context.ask(user, key, query, context, now))
            reply.text += "\n\n_Your practice question is still open: answer it, or say “skip” or “stop”._"
            return reply
        handlers: dict[str, Callable[[], Reply]] = {
            "help": lambda: self._help(active),
            "stop": lambda: Reply("Nothing is running. Say “quiz me” or “start a mock interview”.", "info"),
            "skip": lambda: Reply("There is no question to skip. Say “quiz me” to get one.", "info"),
            "hint": lambda: Reply("There is no question waiting for a hint. Say “quiz me” to get one.", "info"),
            "harder": lambda: self._start_quiz(user, active, _with(request, difficulty="hard"), now),
            "easier": lambda: self._start_quiz(user, active, _with(request, difficulty="easy"), now),
            "rate": lambda: Reply("There is nothing to rate yet: answer a practice question first.", "info"),
            "progress": lambda: self._progress(user, now),
            "review": lambda: self._review(user, active, now),
            "set_role": lambda: self.context.set_role(user, key, query, now),
            "clear_role": lambda: self.context.clear_role(user),
            "show_role": lambda: self.context.show_role(user),
            "roles": lambda: Reply(render.roles_text(self.services.index.roles()), "info"),
            "list_topics": lambda: self._topics(active),
            "study_advice": lambda: self.context.study_advice(user, key, query, now),
            "mock": lambda: self._start_mock_for(user, query, now, active),
            "quiz": lambda: self._start_quiz(user, active, request, now),
        }
        handlers |= {name: (lambda n=name: self._hook(n, user, query, now)) for name in HOOKS}
        return handlers.get(request.kind, lambda: self.context.ask(user, key, query, context, now))()

    def _understand(self, text: str, context: ChatContext) -> Query:
        """Parse once, against the roles just talked about ("it" = the focus of the last answer)."""
        roles = context.focus or context.roles
        query = self.services.answers.understand(text, roles or None, topics=TOPIC_ALIASES)
        if (context.intents and query.refs.via in ("name", "phrase", "other", "context", "top")
                and not (query.has(*CONTROLS) and query.confident) and not _says_what(query.rest)):
            # "what about the other PhD one?": nothing asked but a role, so what was asked before
            query.intents = [IntentScore(name, 1.0) for name in context.intents]
            query.scores = query.intents + query.scores
        return query

    def _in_session(self, user: str, active: MockSession | QuizSession, request: Request, text: str,
                    now: datetime) -> Reply:
        flow = self.mocks if isinstance(active, MockSession) else self.quizzes
        if request.kind == "stop":
            return flow.stop(user, active)  # type: ignore[arg-type]
        try:
            if request.kind == "skip":
                return flow.skip(user, active, now)  # type: ignore[arg-type]
            if request.kind == "hint":
                return flow.hint(active)  # type: ignore[arg-type]
            if request.kind in ("harder", "easier"):
                return flow.change_difficulty(user, active, 1 if request.kind == "harder" else -1, now)  # type: ignore[arg-type]
            return flow.answer(user, active, text, now)  # type: ignore[arg-type]
        except UnknownQuestion:  # its posting changed or left the index since the run started
            self.services.state.clear_session(user, MOCK if isinstance(active, MockSession) else QUIZ)
            return Reply("The question I was waiting on no longer exists (its posting changed), so I ended that "
                         "run. Say “quiz me” or “start a mock interview” to begin another.", "info")

    def _rate_in_chat(self, user: str, question_id: str, rating: str, now: datetime, active: Active) -> Reply:
        card = self.practice.rate(user, question_id, rating, now)
        text = f"Rated {render.question_name(self.practice, question_id)} **{rating}**. " \
               f"{render.next_review(card.due - now)}."
        waiting = self._waiting(active)
        if waiting is None:
            return Reply(text, "info")
        return Reply(f"{text}\n\nStill waiting for your answer:\n{waiting.question}", "info", question=waiting)

    def _waiting(self, active: Active) -> QuizQuestion | None:
        try:
            if isinstance(active, MockSession):
                return self.mocks.waiting(active)
            return self.quizzes.waiting(active) if active else None
        except UnknownQuestion:
            return None

    # ----- requests -----------------------------------------------------------------------------
    def _start_quiz(self, user: str, active: Active, request: Request, now: datetime) -> Reply:
        if request.unknown_topic:
            raise UnknownTopic(request.unknown_topic, self.practice.quiz_maker.topics())
        role, default = self.context.role_for(user, request.query, prefer_topic=bool(request.topic))
        if isinstance(role, Reply):
            return role
        ended = self._end_running(user, active)
        reply = self.quizzes.start(user, now, role=role, role_is_default=default, topic=request.topic,
                                   difficulty=request.difficulty, count=request.count)
        return _after(ended, reply)

    def _start_mock_for(self, user: str, query: Query, now: datetime, active: Active) -> Reply:
        role, _default = self.context.role_for(user, query)
        if isinstance(role, Reply):
            return role
        ended = self._end_running(user, active)
        return _after(ended, self.mocks.start(user, role, now))

    def _start_mock(self, user: str, role_text: str | None, now: datetime, active: Active) -> Reply:
        """`start_mock` (the /mock command): an explicit role name, else the target role."""
        if role_text:
            try:
                role: Posting | None = self.services.index.resolver.resolve_one(role_text)
            except AmbiguousRole as error:
                return Reply(str(error), "info")
        else:
            role = self.practice.target_role(user)
        ended = self._end_running(user, active)
        return _after(ended, self.mocks.start(user, role, now))

    def _review(self, user: str, active: Active, now: datetime) -> Reply:
        due = self.due_reviews(user, now)
        ended = self._end_running(user, active) if due else ""
        return _after(ended, self.quizzes.start_review(user, due, now))

    def _grade_answer(self, user: str, question_id: str, answer: str, now: datetime, guild_id: str | None,
                      local_date: date | None) -> Reply:
        question = self.practice.question(question_id)
        self.practice.settle(user, now)
        target = self.practice.target_role(user)
        feedback = self.practice.grade(user, question, answer, now, role=target.role_id if target else None,
                                       guild_id=guild_id, local_date=local_date)
        text = f"{render.feedback_block(feedback)}\n\n{render.RATE_HINT}"
        return Reply(text, "feedback", feedback=feedback, rate_question_id=question.id)

    def _topics(self, active: Active) -> Reply:
        topics = self.practice.quiz_maker.topics()
        text = (f"I can quiz you on: {', '.join(topics)}. Say e.g. “quiz me on pytorch” or "
                "“3 hard recsys questions”.")
        waiting = self._waiting(active)
        if waiting is not None:
            text += f"\n\nStill waiting for your answer:\n{waiting.question}"
        return Reply(text, "info", question=waiting)

    def _hook(self, name: str, user: str, query: Query, now: datetime) -> Reply:
        """Requests other parts of the bot fulfil (adding postings, fit checks, plans, forgetting,
        leaderboards): a registered hook answers; otherwise a reply says how to do it."""
        hook = self.hooks.get(name)
        if hook is not None:
            return hook(user, query, now)
        return Reply(render.HOOK_TEXT[name], "info")

    def _end_running(self, user: str, active: Active) -> str:
        """Stop the running quiz or interview (a new one replaces it); returns its summary."""
        if active is None:
            return ""
        flow = self.mocks if isinstance(active, MockSession) else self.quizzes
        return flow.stop(user, active).text  # type: ignore[arg-type]

    def _progress(self, user: str, now: datetime) -> Reply:
        progress = self.services.state.progress(user, now)
        return Reply(render.progress_text(progress, self.practice.target_role(user)), "info")

    def _help(self, active: Active) -> Reply:
        waiting = self._waiting(active)
        tail = f"\n\nWaiting for your answer to:\n{waiting.question}" if waiting else ""
        return Reply(render.HELP + tail, "help", question=waiting)

    def _lock(self, user: str) -> threading.RLock:
        with self._locks_guard:
            return self._locks[user]


_FILLER = frozenset("what about and how the a an of for then so ok okay same also one it that this too as well "
                    "other another with".split())


def _says_what(rest: str) -> bool:
    """Whether the words left after the role names ask something ("and where is it?" does; "what
    about the other one?" doesn't)."""
    return any(w not in _FILLER for w in words(rest))


def _with(request: Request, **changes: object) -> Request:
    return dataclasses.replace(request, **changes)


def _after(ended: str, reply: Reply) -> Reply:
    """Put the summary of the run that was replaced before the reply that replaced it."""
    if ended:
        reply.text = f"{ended}\n\n{reply.text}"
    return reply


def _safely(turn: Callable[[], Reply]) -> Reply:
    """Errors meant for users become an "error" reply; anything else is a bug and propagates."""
    try:
        return turn()
    except (PrepbotError, StateError) as error:
        return Reply(str(error), "error")
