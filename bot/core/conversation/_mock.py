"""Mock interviews: a question tailored to the role, feedback on the answer, then a follow-up (from
the question's follow_ups) or the next question, at a difficulty that follows how the answers go.

The interview lives in the "mock" session, so a restarted bot asks for the same answer it was
waiting for. A follow-up has no key points of its own: its answer is compared with the original
question's key points and is not stored as an answer to that question.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.conversation import _render as render
from bot.core.conversation._flow import Flow
from bot.core.conversation._practice import seed_for
from bot.core.conversation._reply import Reply
from bot.core.conversation._sessions import DIFFICULTIES, MOCK, MOCK_LENGTH, MockSession, Result

if TYPE_CHECKING:
    from bot.core.postings import Posting
    from bot.core.quiz import QuizQuestion

FOLLOW_UP_MIN_COVERAGE = 0.3  # weaker answers go straight to an easier question instead


class MockFlow(Flow[MockSession]):
    KIND, SESSION = MOCK, MockSession

    def waiting(self, session: MockSession) -> QuizQuestion:
        return self.practice.question(session.current)

    def start(self, user_id: str, role: Posting | None, now: datetime) -> Reply:
        seed = seed_for(user_id, now)
        role_id = role.role_id if role else None
        found = self.practice.pick(user_id, role=role_id, difficulty="medium", n=1, seed=seed) or \
            self.practice.pick(user_id, role=role_id, n=1, seed=seed)
        if not found:
            return Reply("I couldn't find questions for that role in the question bank.", "error")
        question = found[0]
        session = MockSession(role_id, question.difficulty, question.id, seed, asked=[question.id])
        self._save(user_id, session, now)
        intro = (f"**Mock interview** for {render.role_label(role)}: {MOCK_LENGTH} questions with follow-ups; "
                 f"the difficulty follows how your answers go. {render.ANSWER_HINT}")
        text = f"{intro}\n\n{render.question_block(question, f'Question 1 of {MOCK_LENGTH}')}"
        return Reply(text, "mock_question", question=question)

    def answer(self, user_id: str, session: MockSession, text: str, now: datetime) -> Reply:
        if session.follow_up:
            return self._answer_follow_up(user_id, session, text, now)
        question = self.waiting(session)
        feedback = self.practice.grade(user_id, question, text, now, role=session.role_id)
        coverage = render.fraction(feedback)
        session.results.append(Result(question.id, question.topic, question.difficulty, coverage).to_dict())
        before = session.difficulty
        session.adapt(coverage)
        parts = [render.feedback_block(feedback), render.RATE_HINT]
        if question.follow_ups and coverage > FOLLOW_UP_MIN_COVERAGE:
            session.follow_up = question.follow_ups[len(session.asked) % len(question.follow_ups)]
            self._save(user_id, session, now)
            parts.append(f"**Follow-up** · {question.topic}\n{session.follow_up}")
            reply = Reply("\n\n".join(parts), "feedback", question=question)
        else:
            reply = self._next(user_id, session, now, parts, before)
        reply.kind, reply.feedback, reply.rate_question_id = "feedback", feedback, question.id
        return reply

    def _answer_follow_up(self, user_id: str, session: MockSession, text: str, now: datetime) -> Reply:
        parent = self.waiting(session)
        asked = _as_follow_up(parent, session.follow_up or "")
        feedback = self.practice.grade(user_id, asked, text, now, role=session.role_id, record=False)
        coverage = render.fraction(feedback)
        session.results.append(Result(parent.id, parent.topic, parent.difficulty, coverage, follow_up=True).to_dict())
        note = "_A follow-up has no model answer: this compares yours with the original question's key points._"
        parts = [render.feedback_block(feedback), note]
        reply = self._next(user_id, session, now, parts, parent.difficulty)  # the level may have moved after it
        reply.kind, reply.feedback = "feedback", feedback
        return reply

    def skip(self, user_id: str, session: MockSession, now: datetime) -> Reply:
        if not session.follow_up:
            question = self.waiting(session)
            session.results.append(Result(question.id, question.topic, question.difficulty, None).to_dict())
        return self._next(user_id, session, now, ["Skipped."], session.difficulty)

    def stop(self, user_id: str, session: MockSession | None) -> Reply:
        if session is None:
            return Reply("No mock interview is running. Say “start a mock interview” to begin one.", "info")
        self.practice.state.clear_session(user_id, MOCK)
        results = [Result.from_dict(r) for r in session.results]
        return Reply(render.summary(results, "Mock interview stopped", self._name), "info")

    def _next(self, user_id: str, session: MockSession, now: datetime, parts: list[str], before: str) -> Reply:
        """The next main question at the (adapted) difficulty, or the summary when the interview is done."""
        session.follow_up = None
        question = None if session.finished else self._pick_next(user_id, session)
        if question is None:
            self.practice.state.clear_session(user_id, MOCK)
            parts.append(render.summary([Result.from_dict(r) for r in session.results], "Mock interview finished",
                                        self._name))
            return Reply("\n\n".join(parts), "info")
        session.current = question.id
        session.asked.append(question.id)
        self._save(user_id, session, now)
        if session.difficulty != before and {session.difficulty, before} <= set(DIFFICULTIES):
            direction = "up" if DIFFICULTIES.index(session.difficulty) > DIFFICULTIES.index(before) else "down"
            parts.append(f"_Moving {direction} to {session.difficulty} questions._")
        label = f"Question {len(session.main_results()) + 1} of {MOCK_LENGTH}"
        parts.append(render.question_block(question, label))
        return Reply("\n\n".join(parts), "mock_question", question=question)

    def _pick_next(self, user_id: str, session: MockSession) -> QuizQuestion | None:
        seed, asked = session.seed + len(session.asked), set(session.asked)
        for difficulty in (session.difficulty, None):
            found = self.practice.pick(user_id, role=session.role_id, difficulty=difficulty, n=1, seed=seed,
                                       exclude=asked)
            if found:
                return found[0]
        return None

    def hint(self, session: MockSession) -> Reply:
        from bot.core.conversation._quiz import hint_text

        question = self.waiting(session)
        return Reply(hint_text(question), "mock_question", question=question)

    def change_difficulty(self, user_id: str, session: MockSession, step: int, now: datetime) -> Reply:
        """Harder or easier now: the waiting question is replaced by one at the new level."""
        level = DIFFICULTIES.index(session.difficulty) if session.difficulty in DIFFICULTIES else 1
        new = DIFFICULTIES[max(0, min(len(DIFFICULTIES) - 1, level + step))]
        session.difficulty = new
        found = self.practice.pick(user_id, role=session.role_id, difficulty=new, n=1,
                                   seed=session.seed + len(session.asked), exclude=set(session.asked))
        if not found:
            self._save(user_id, session, now)
            question = self.waiting(session)
            return Reply(f"I have no other {new} questions here, so this one stays.\n\n{question.question}",
                         "mock_question", question=question)
        question = found[0]
        session.current, session.follow_up = question.id, None
        session.asked.append(question.id)
        self._save(user_id, session, now)
        label = f"Question {len(session.main_results()) + 1} of {MOCK_LENGTH}"
        return Reply(f"Switching to **{new}** questions.\n\n{render.question_block(question, label)}",
                     "mock_question", question=question)

    def _name(self, question_id: str) -> str:
        return render.question_name(self.practice, question_id)

    def _save(self, user_id: str, session: MockSession, now: datetime) -> None:
        self.practice.state.save_session(user_id, MOCK, session.to_dict(), now)


def _as_follow_up(parent: QuizQuestion, text: str) -> QuizQuestion:
    """The parent question with the follow-up's wording, for grading against the parent's key points."""
    return dataclasses.replace(parent, question=text)

