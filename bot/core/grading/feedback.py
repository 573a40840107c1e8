"""What the grader found about one answer, point by point, and how it is said to a student.

Offline, the grader can tell what an answer *discussed*, not whether every detail is right, so the
words say exactly that ("you discussed ...", "you didn't mention ..."), each verdict sits beside the
key point's own text so the student can compare, and the student is asked to rate the answer: that
self-rating, not the grader, schedules the review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATED, PARTLY, CONTRADICTED, MISSING = "covered", "partly", "contradicted", "missing"
VERDICTS = (STATED, PARTLY, CONTRADICTED, MISSING)
RATE_PROMPT = ("Compare your answer with the key points above, then rate how well you knew it: "
               "again, hard, good or easy. Your rating schedules the review.")


@dataclass(frozen=True)
class PointVerdict:
    """One key point: the verdict, the answer's words it rests on (verbatim), and how it was found."""

    point: str
    verdict: str
    quote: str = ""
    basis: str = "key terms"  # key terms | similarity | language model


@dataclass
class Feedback:
    """Per-point verdicts plus what else was measured. `covered` keeps its old shape
    (key point, the answer's words, match strength) for every caller that reads it."""

    question_id: str
    verdicts: list[PointVerdict] = field(default_factory=list)
    job_terms: list[str] = field(default_factory=list)
    top_words: list[tuple[str, int]] = field(default_factory=list)
    word_count: int = 0
    notes: list[str] = field(default_factory=list)
    critique: str | None = None  # the language model's short critique, when an LLM is configured
    judge: str = "offline"  # offline | language model

    # ----- the lists callers have always read --------------------------------------------------
    @property
    def covered(self) -> list[tuple[str, str, float]]:
        """Credited points: stated and not contradicted, with the answer's words that state them."""
        return [(v.point, v.quote, 1.0) for v in self.verdicts if v.verdict == STATED]

    @property
    def missed(self) -> list[str]:
        """Points not credited and not contradicted (a point stated only partly is among them)."""
        return [v.point for v in self.verdicts if v.verdict in (MISSING, PARTLY)]

    @property
    def contradicted(self) -> list[tuple[str, str]]:
        """(key point, the answer's words that say the opposite)."""
        return [(v.point, v.quote) for v in self.verdicts if v.verdict == CONTRADICTED]

    @property
    def partly(self) -> list[tuple[str, str]]:
        return [(v.point, v.quote) for v in self.verdicts if v.verdict == PARTLY]

    @property
    def total(self) -> int:
        return len(self.verdicts)

    @property
    def quality(self) -> float:
        """The per-answer quality score leaderboards rank by: credited points over all points, each
        contradicted point counting one against, never below zero. A keyword list or a fluent wrong
        answer credits nothing, so it scores 0."""
        if not self.verdicts:
            return 0.0
        credited = sum(v.verdict == STATED for v in self.verdicts)
        against = sum(v.verdict == CONTRADICTED for v in self.verdicts)
        return max(0.0, (credited - against) / len(self.verdicts))

    @property
    def coverage(self) -> float:
        """Credited points over all points (what the suggested rating starts from)."""
        return len(self.covered) / self.total if self.total else 0.0

    def suggested_rating(self) -> str:
        """The rating an unrated card is scheduled with; a contradicted point caps it at "hard"."""
        coverage = self.quality
        rating = "again" if coverage < 0.3 else "good" if coverage >= 0.7 else "hard"
        if self.contradicted and rating == "good":
            return "hard"
        return rating

    # ----- output --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "covered": [v.point for v in self.verdicts if v.verdict == STATED],
            "missed": self.missed,
            "contradicted": [p for p, _ in self.contradicted],
            "points": [{"key_point": v.point, "verdict": v.verdict, "quote": v.quote, "basis": v.basis}
                       for v in self.verdicts],
            "quality": round(self.quality, 3),
            "suggested_rating": self.suggested_rating(),
            "judge": self.judge,
            "job_terms": list(self.job_terms),
            "top_words": [{"word": w, "count": c} for w, c in self.top_words],
            "word_count": self.word_count,
            "notes": list(self.notes),
            "critique": self.critique,
        }

    def headline(self) -> str:
        """ "You discussed 2 of 5 key points" — a count of what was found, not a mark."""
        return f"You discussed {len(self.covered)} of {self.total} key points"

    def point_lines(self) -> list[str]:
        """Each key point's text beside its verdict, in the bank's order."""
        lines = []
        for v in self.verdicts:
            if v.verdict == STATED:
                lines.append(f"  ✓ you discussed: {v.point}")
                lines.append(f"      you said: “{clip(v.quote)}”")
            elif v.verdict == CONTRADICTED:
                lines.append(f"  ⚠ check this — the key point says: {v.point}")
                lines.append(f"      you said: “{clip(v.quote)}”")
            elif v.verdict == PARTLY:
                lines.append(f"  ~ you touched on: {v.point}")
                if v.quote:
                    lines.append(f"      you said: “{clip(v.quote)}”")
            else:
                lines.append(f"  ✗ you didn't mention: {v.point}")
        return lines

    def render(self, rate: bool = True) -> str:
        """Plain text: the same facts as `to_dict`, for a terminal or a chat message; `rate` adds the
        request for a self-rating (off when the caller asks for it in its own words)."""
        how = ("a language model compared your answer with each key point" if self.judge != "offline" else
               "the offline grader checks which key points your answer states, not whether every detail is right")
        lines = [f"{self.headline()} ({how}):", *self.point_lines()]
        if self.job_terms:
            lines.append(f"Terms from the job posting you used: {', '.join(self.job_terms)}")
        if self.top_words:
            lines.append("Words you used most: " + ", ".join(f"{w} ({c})" for w, c in self.top_words))
        lines.append(f"Word count: {self.word_count}")
        lines.extend(f"Note: {note}" for note in self.notes)
        if self.critique:
            lines.append(f"Critique (language model): {self.critique}")
        if rate:
            lines.append(RATE_PROMPT)
        return "\n".join(lines)


def clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
