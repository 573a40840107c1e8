"""Role profiles without the model: a stand-in encoder whose vectors are chosen by the test, so each
expectation follows from the weighting rules (baseline, term bonus, section weight, floor), not from
what all-MiniLM happens to think of a sentence."""

from __future__ import annotations

import numpy as np
import pytest

from bot.core.postings import Posting, PostingLine
from bot.core.profile import (
    FLOOR_SHARE,
    SIMILARITY_BASELINE,
    TERM_BONUS,
    RoleProfiler,
    TopicScorer,
    requirement_lines,
    term_hits,
)
from bot.core.questions import TopicInfo

TOPICS = {
    "recsys": TopicInfo("recsys", "Recommender systems", "ranking and retrieval", ("two-tower", "ranking")),
    "cpp": TopicInfo("cpp", "C++", "systems programming", ("C++",)),
    "llm": TopicInfo("llm", "LLMs", "language models", ("LLM", "RLHF")),
}
AXES = {"Recommender systems": 0, "C++": 1, "LLMs": 2}


class AxisEmbeddings:
    """Topic descriptions are unit axes; a text is the axis of the first topic name it contains
    (scaled by `strength` so a test can set its cosine), else a vector orthogonal to every topic."""

    def __init__(self, strength: float = 0.8) -> None:
        self.strength = strength
        self.calls = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        return [self._vector(text) for text in texts]

    def _vector(self, text: str) -> list[float]:
        vector = np.zeros(4)
        for name, axis in AXES.items():
            if text.startswith(f"{name}. "):  # a topic description
                vector[axis] = 1.0
                return vector.tolist()
        for name, axis in AXES.items():
            if name.lower() in text.lower():
                vector[axis] = self.strength
                vector[3] = np.sqrt(1 - self.strength**2)
                return vector.tolist()
        vector[3] = 1.0
        return vector.tolist()


def posting(*lines: tuple[str, str]) -> Posting:
    body = [PostingLine(text, section, number) for number, (text, section) in enumerate(lines, start=1)]
    return Posting(role_id="acme-ml", title="ML Engineer", company="Acme", source="acme.md", lines=body,
                   content_hash="h1")


def test_term_hits_are_whole_words_and_keep_symbols() -> None:
    assert term_hits("Strong C++ and RLHF experience", ("C++", "RLHF", "LLM")) == ["C++", "RLHF"]
    assert term_hits("C is not C++", ("C++",)) == ["C++"]
    assert term_hits("ranking-aware models", ("ranking",)) == ["ranking"]
    assert term_hits("prerankings", ("ranking",)) == []


def test_requirement_lines_skip_admin_headings_questions_and_short_lines() -> None:
    role = posting(
        ("Build recommender systems ranking models at scale", "responsibilities"),
        ("Currently pursuing a degree in computer science", "minimum_qualifications"),  # admin
        ("Are you excited about building LLMs for ranking?", "about"),  # a question to the reader
        ("Qualifications we look for:", "minimum_qualifications"),  # a list opener
        ("Python", "preferred_qualifications"),  # too short to say what an interview tests
        ("We offer lunch and a gym for all interns", "logistics"),  # not a profile section
    )
    assert [line.line_no for line in requirement_lines(role)] == [1]


def test_scores_are_similarity_above_baseline_plus_capped_term_bonus() -> None:
    scorer = TopicScorer(TOPICS, AxisEmbeddings(strength=0.8))
    scores, hits = scorer.evidence(["Recommender systems with two-tower ranking and ranking losses"])
    recsys = scorer.ids.index("recsys")
    assert hits[0, recsys] == 2
    assert scores[0, recsys] == pytest.approx(0.8 - SIMILARITY_BASELINE + 2 * TERM_BONUS, abs=1e-6)
    assert scores[0, scorer.ids.index("cpp")] == pytest.approx(0.0, abs=1e-6)  # orthogonal, no terms


def test_profile_weights_follow_the_evidence_and_keep_a_floor() -> None:
    profiler = RoleProfiler(TOPICS, AxisEmbeddings())
    role = posting(
        ("Design recommender systems for short videos", "responsibilities"),
        ("Improve recommender systems with two-tower retrieval", "minimum_qualifications"),
        ("Write fast C++ code for serving models", "preferred_qualifications"),
    )
    profile = profiler.profile(role)
    weights = profile.weights
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-12)
    assert min(weights.values()) >= FLOOR_SHARE / len(TOPICS) - 1e-12  # float64: a few ulps at most
    assert weights["recsys"] > weights["cpp"] > weights["llm"]
    assert weights["llm"] == pytest.approx(FLOOR_SHARE / len(TOPICS), abs=1e-12)  # no evidence: floor only
    assert [topic for topic, _ in profile.ranked()] == ["recsys", "cpp", "llm"]
    assert profile.why["recsys"][0].startswith("Improve recommender systems")  # terms + full section weight
    assert profile.why["llm"] == []


def test_a_posting_without_requirement_lines_gets_even_weights() -> None:
    profile = RoleProfiler(TOPICS, AxisEmbeddings()).profile(posting(("Lunch is provided daily", "logistics")))
    assert all(w == pytest.approx(1 / len(TOPICS), abs=1e-12) for w in profile.weights.values())


def test_profiles_are_cached_per_role_version() -> None:
    embeddings = AxisEmbeddings()
    profiler = RoleProfiler(TOPICS, embeddings)
    role = posting(("Design recommender systems for ranking short videos", "responsibilities"))
    first = profiler.profile(role)
    calls = embeddings.calls
    assert profiler.profile(role) is first and embeddings.calls == calls
