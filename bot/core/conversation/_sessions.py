"""The per-user state of a conversation, kept as JSON through `StateStore.save_session` so a
restarted bot carries on where it stopped. Nothing here touches the database itself."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Self

CHAT = "chat"  # the roles the last answer was about (per conversation)
QUIZ = "quiz"  # a quiz or review run: questions asked one at a time
MOCK = "mock"  # a mock interview
RATINGS = "ratings"  # practised questions waiting for a self-rating

MOCK_LENGTH = 5  # main questions in a mock interview (follow-ups come on top)
DIFFICULTIES = ("easy", "medium", "hard")


class Stored:
    """to_dict / from_dict for the session dataclasses; unknown keys from older versions are ignored."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Result(Stored):
    """One answered (or skipped) question of a quiz or mock interview."""

    question_id: str
    topic: str
    difficulty: str
    coverage: float | None  # None when skipped
    follow_up: bool = False


@dataclass
class ChatContext(Stored):
    """What was just said: the roles the last answer was about (in the order it gave them), the one
    a singular "it" means after a ranking ("which pays best?" -> the top one), and what was asked."""

    roles: list[str] = field(default_factory=list)
    at: str = ""  # ISO time of the answer the roles came from
    focus: list[str] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)


@dataclass
class QuizSession(Stored):
    """A quiz ("quiz") or a run through due cards ("review")."""

    mode: str
    question_ids: list[str]
    position: int = 0
    role_id: str | None = None
    label: str = ""
    results: list[dict[str, Any]] = field(default_factory=list)
    topic: str | None = None
    difficulty: str | None = None

    @property
    def current(self) -> str | None:
        return self.question_ids[self.position] if self.position < len(self.question_ids) else None

    def record(self, result: Result) -> None:
        self.results.append(result.to_dict())
        self.position += 1


@dataclass
class MockSession(Stored):
    """A mock interview: the question being asked, or the follow-up to it when `follow_up` is set."""

    role_id: str | None
    difficulty: str
    current: str
    seed: int
    follow_up: str | None = None
    asked: list[str] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)

    def main_results(self) -> list[Result]:
        return [r for r in map(Result.from_dict, self.results) if not r.follow_up]

    def adapt(self, coverage: float) -> str:
        """Harder after a strong answer (>= 70% of key points), easier after a weak one (<= 30%)."""
        step = 1 if coverage >= 0.7 else -1 if coverage <= 0.3 else 0
        level = DIFFICULTIES.index(self.difficulty) if self.difficulty in DIFFICULTIES else 1
        self.difficulty = DIFFICULTIES[max(0, min(len(DIFFICULTIES) - 1, level + step))]
        return self.difficulty

    @property
    def finished(self) -> bool:
        return len(self.main_results()) >= MOCK_LENGTH


@dataclass
class Pending(Stored):
    """A practised question not rated yet: `suggested` (from its coverage) is used if no rating comes."""

    question_id: str
    suggested: str
    at: str


def suggested_rating(coverage: float | None) -> str:
    """What an unrated card is scheduled with: the user's coverage stands in for their self-rating."""
    if coverage is None or coverage < 0.3:
        return "again"
    return "good" if coverage >= 0.7 else "hard"
