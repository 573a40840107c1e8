"""Quizzes and review runs in a conversation: one question at a time, each answer graded, the next
question in the same reply, a summary at the end. The run lives in the "quiz" session."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.conversation import _render as render
from bot.core.conversation._flow import Flow
from bot.core.conversation._practice import seed_for
from bot.core.conversation._reply import Reply
from bot.core.conversation._sessions import DIFFICULTIES, QUIZ, QuizSession, Result

if TYPE_CHECKING:
    from bot.core.postings import Posting
    from bot.core.quiz import QuizQuestion

DEFAULT_QUIZ_LENGTH = 5
HINT_WORDS = 4


class QuizFlow(Flow[QuizSession]):
    KIND, SESSION = QUIZ, QuizSession

    def waiting(self, session: QuizSession) -> QuizQuestion | None:
        return self.practice.question(session.current) if session.current else None

    # ----- starting -----------------------------------------------------------------------------
    def start(self, user_id: str, now: datetime, *, role: Posting | None, role_is_default: bool,
              topic: str | None, difficulty: str | None, count: int | None) -> Reply:
        """A quiz for the role (explicit or the user's target role), topic and difficulty asked for."""
        n = count or DEFAULT_QUIZ_LENGTH
        pick = dict(topic=topic, difficulty=difficulty, n=n, seed=seed_for(user_id, now))
        questions = self.practice.pick(user_id, role=role.role_id if role else None, **pick)
        if not questions and role and role_is_default:
            role, questions = None, self.practice.pick(user_id, role=None, **pick)
        label = _label(len(questions) or n, topic, difficulty, role)
        if not questions:
            return Reply(f"I have no {label} in the question bank. Try another topic or difficulty.", "info")
        session = QuizSession("quiz", [q.id for q in questions], role_id=role.role_id if role else None, label=label,
                              topic=topic, difficulty=difficulty)
        self._save(user_id, session, now)
        intro = f"**Quiz: {label}.** {render.ANSWER_HINT}"
        return Reply(f"{intro}\n\n{self._ask(session, questions[0])}", "quiz", question=questions[0])

    def start_review(self, user_id: str, questions: list[QuizQuestion], now: datetime) -> Reply:
        """A run through the questions whose review is due (the caller found them)."""
        if not questions:
            total, _due = self.practice.state.card_counts(user_id, now)
            hint = (f"You have {total} review card{'s' if total != 1 else ''}; none is due right now."
                    if total else "Practise some questions first (“quiz me on pytorch”) and rate them.")
            return Reply(f"Nothing is due for review. {hint}", "info")
        label = f"{len(questions)} due question{'s' if len(questions) != 1 else ''}"
        session = QuizSession("review", [q.id for q in questions], label=label)
        self._save(user_id, session, now)
        intro = f"**Review: {label}.** {render.ANSWER_HINT}"
        return Reply(f"{intro}\n\n{self._ask(session, questions[0])}", "review", question=questions[0])

    # ----- during the run -----------------------------------------------------------------------
    def answer(self, user_id: str, session: QuizSession, text: str, now: datetime) -> Reply:
        question = self.practice.question(session.current or "")
        feedback = self.practice.grade(user_id, question, text, now, role=session.role_id)
        session.record(Result(question.id, question.topic, question.difficulty, render.fraction(feedback)))
        parts = [render.feedback_block(feedback), render.RATE_HINT]
        reply = self._advance(user_id, session, now, parts)
        reply.kind, reply.feedback, reply.rate_question_id = "feedback", feedback, question.id
        return reply

    def skip(self, user_id: str, session: QuizSession, now: datetime) -> Reply:
        question = self.practice.question(session.current or "")
        session.record(Result(question.id, question.topic, question.difficulty, None))
        return self._advance(user_id, session, now, ["Skipped."])

    def stop(self, user_id: str, session: QuizSession) -> Reply:
        self.practice.state.clear_session(user_id, QUIZ)
        title = f"{session.mode.capitalize()} stopped"
        return Reply(render.summary([Result.from_dict(r) for r in session.results], title, self._name), "info")

    def hint(self, session: QuizSession) -> Reply:
        """A nudge: the topic and the opening words of one key point, not the answer."""
        question = self.practice.question(session.current or "")
        return Reply(hint_text(question), "quiz", question=question)

    def change_difficulty(self, user_id: str, session: QuizSession, step: int, now: datetime) -> Reply:
        """Harder or easier from now on: the waiting question and the rest are re-picked at the new level."""
        current = self.practice.question(session.current or "")
        level = DIFFICULTIES.index(session.difficulty or current.difficulty) if (
            session.difficulty or current.difficulty) in DIFFICULTIES else 1
        new = DIFFICULTIES[max(0, min(len(DIFFICULTIES) - 1, level + step))]
        left = len(session.question_ids) - session.position
        asked = set(session.question_ids[: session.position])
        picked = self.practice.pick(user_id, role=session.role_id, topic=session.topic, difficulty=new, n=left,
                                    seed=seed_for(user_id, now), exclude=asked)
        if not picked:
            return Reply(f"I have no {new} questions for this quiz, so it stays as it is.\n\n"
                         f"{self._ask(session, current)}", "quiz", question=current)
        session.question_ids = session.question_ids[: session.position] + [q.id for q in picked]
        session.difficulty = new
        self._save(user_id, session, now)
        return Reply(f"Switching to **{new}** questions.\n\n{self._ask(session, picked[0])}", "quiz",
                     question=picked[0])

    def _name(self, question_id: str) -> str:
        return render.question_name(self.practice, question_id)

    def _advance(self, user_id: str, session: QuizSession, now: datetime, parts: list[str]) -> Reply:
        """Ask the next question, or summarise when the run is over."""
        kind = "review" if session.mode == "review" else "quiz"
        if session.current is None:
            self.practice.state.clear_session(user_id, QUIZ)
            title = f"{session.mode.capitalize()} finished"
            parts.append(render.summary([Result.from_dict(r) for r in session.results], title, self._name))
            return Reply("\n\n".join(parts), kind)
        self._save(user_id, session, now)
        question = self.practice.question(session.current)
        parts.append(self._ask(session, question))
        return Reply("\n\n".join(parts), kind, question=question)

    def _ask(self, session: QuizSession, question: QuizQuestion) -> str:
        return render.question_block(question, f"Question {session.position + 1} of {len(session.question_ids)}")

    def _save(self, user_id: str, session: QuizSession, now: datetime) -> None:
        self.practice.state.save_session(user_id, QUIZ, session.to_dict(), now)


def _label(n: int, topic: str | None, difficulty: str | None, role: Posting | None) -> str:
    """ "3 hard recsys questions for the Research Scientist Intern (PhD) role"."""
    words = [str(n), difficulty or "", topic or "", "question" if n == 1 else "questions"]
    label = " ".join(w for w in words if w)
    return f"{label} for {render.role_label(role)}" if role else label


def hint_text(question: QuizQuestion) -> str:
    """The topic and the first words of one key point: enough to start, not the answer."""
    point = question.key_points[0] if question.key_points else ""
    opening = " ".join(point.split()[:HINT_WORDS])
    lead = f"**Hint** · {question.topic}: a strong answer covers “{opening}…”" if opening else (
        f"**Hint** · this is a {question.topic} question; start from the definition and an example.")
    return f"{lead}\n\n{question.question}"
