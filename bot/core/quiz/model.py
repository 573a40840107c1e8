"""The quiz as handed to callers: questions, their ids, and the errors a bad request gets.

Posting questions get stable ids (`posting-<role_id>-<line_no>-<k>`), so a question can be rebuilt
later from its id alone: reviews and mock interviews store only ids.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.errors import PrepbotError
from bot.core.postings import Posting
from bot.core.questions import BankQuestion

MAX_ID_CHARS = 100
WHY_QUOTE_CHARS = 160


class InvalidQuizRequest(PrepbotError):
    """A quiz request whose size or difficulty is out of range."""


from bot.core.roles import AmbiguousRole  # noqa: E402,F401  (one class for every caller; re-exported here)


@dataclass(frozen=True)
class QuizQuestion:
    """A question as asked: from the bank or built from a posting line, with why it was chosen."""

    id: str
    topic: str
    difficulty: str
    question: str
    why: str
    key_points: tuple[str, ...]
    follow_ups: tuple[str, ...] = ()
    source: str = "bank"  # bank | posting
    role_id: str | None = None

    @classmethod
    def from_bank(cls, question: BankQuestion, why: str, role_id: str | None = None) -> QuizQuestion:
        """A bank question as asked, with the reason it was drawn."""
        return cls(question.id, question.topic, question.difficulty, question.question, why, question.key_points,
                   question.follow_ups, "bank", role_id)

    def to_dict(self) -> dict[str, Any]:
        """The `prepbot quiz --json` shape of one question."""
        return {"id": self.id, "topic": self.topic, "difficulty": self.difficulty, "question": self.question,
                "why": self.why, "key_points": list(self.key_points), "source": self.source}


@dataclass
class Quiz:
    """The questions drawn for one request, and the role they were drawn for (None: general practice)."""

    role: Posting | None
    questions: list[QuizQuestion] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The `prepbot quiz --json` shape."""
        role = {"id": self.role.role_id, "title": self.role.title} if self.role else None
        return {"role": role, "questions": [q.to_dict() for q in self.questions]}


# ----- posting question ids --------------------------------------------------------------------------
_POSTING_ID = re.compile(r"posting-(?P<key>[a-z0-9-]+)-(?P<line>\d+)-(?P<k>\d+)")


def posting_question_id(role_id: str, line_no: int, k: int) -> str:
    """`posting-<role_id>-<line_no>-<k>`; a role id too long for 100 characters is hashed."""
    plain = f"posting-{role_id}-{line_no}-{k}"
    return plain if len(plain) <= MAX_ID_CHARS else f"posting-{hashed_role(role_id)}-{line_no}-{k}"


def parse_posting_id(question_id: str) -> tuple[str, int, int] | None:
    """(role key, line number, k) of a posting question id; None for any other id."""
    found = _POSTING_ID.fullmatch(question_id)
    return (found["key"], int(found["line"]), int(found["k"])) if found else None


def hashed_role(role_id: str) -> str:
    """The short stand-in for a role id too long to fit in a question id."""
    return "h" + hashlib.sha1(role_id.encode()).hexdigest()[:12]


def clip(text: str, limit: int = WHY_QUOTE_CHARS) -> str:
    """`text` on one line, cut at a word boundary to fit `limit` characters (quotes in why-lines)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
