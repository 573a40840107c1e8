"""A role's profile: how much each quiz topic matters to it, and which posting lines say so.

Weights come from the posting's own requirement lines, so a quiz for a role asks what that role's
interviewers will ask: each line is compared with every topic description (embedding similarity)
and searched for the topic's terms (whole words). The lines behind each topic are kept as the
"why", so the bot can show the line that made it ask a question instead of asserting relevance.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from bot.core.embeddings import CachedEmbeddings
from bot.core.postings import Posting, PostingLine
from bot.core.postings.memo import PerPosting
from bot.core.questions import TopicInfo

PROFILE_SECTIONS = ("about", "responsibilities", "minimum_qualifications", "preferred_qualifications")
# Responsibilities and requirements say what the job is; "about" paragraphs are mostly blurb.
SECTION_WEIGHT = {"responsibilities": 1.0, "minimum_qualifications": 1.0, "preferred_qualifications": 0.8,
                  "about": 0.5}
# all-MiniLM cosine of a posting line to a topic description: unrelated lines sit at 0.1-0.3 (the
# internship blurbs top out near 0.3), lines about the topic at 0.45-0.75. Only the excess counts.
SIMILARITY_BASELINE = 0.30
TERM_BONUS = 0.12  # per distinct topic term in the line; a named term ("C/C++") is strong evidence
TERMS_COUNTED = 2  # "machine learning" is in every line: cap what repeated generic terms can add
FLOOR_SHARE = 0.12  # spread evenly over all topics, so every topic keeps a small chance in a quiz
WHY_LIMIT = 4  # lines kept per topic
WHY_RELATIVE = 0.5  # a line explains a topic when the topic gets at least half its best topic's score
MIN_WORDS = 4
# Degree, enrolment and schedule lines say nothing about what an interview will test.
ADMIN_LINE = re.compile(
    r"\b(degree|pursuing|current student|student status|commit to working|availability|"
    r"work authori[sz]ation|visa|start date|applications? will be|apply to a maximum)\b",
    re.I,
)
CACHED_ROLES = 256  # posting versions whose profile (and written questions) are remembered


@dataclass(frozen=True)
class RoleProfile:
    """Topic weights (summing to 1) and, per topic, the posting lines that raised its weight."""

    role_id: str
    weights: dict[str, float]
    why: dict[str, list[str]] = field(default_factory=dict)

    def ranked(self) -> list[tuple[str, float]]:
        """Topics from most to least weighted (ties in topic order)."""
        return sorted(self.weights.items(), key=lambda item: -item[1])


def requirement_lines(posting: Posting) -> list[PostingLine]:
    """The lines a profile is computed from: real content, not headings, questions or admin."""
    return [
        line for line in posting.lines
        if line.section in PROFILE_SECTIONS
        and line.kind != "header"
        and len(line.text.split()) >= MIN_WORDS
        and not line.text.rstrip().endswith(("?", ":"))  # questions to the reader, list openers
        and not ADMIN_LINE.search(line.text)
    ]


@cache
def term_pattern(term: str) -> re.Pattern[str]:
    """Whole-word, case-insensitive; 'c++' and 'a/b' keep their symbols."""
    return re.compile(rf"(?<![\w]){re.escape(term)}(?![\w+])", re.I)


def term_hits(text: str, terms: tuple[str, ...]) -> list[str]:
    return [term for term in terms if term_pattern(term).search(text)]


class TopicScorer:
    """Scores texts against the topics: embedding similarity above a baseline plus term hits.

    The topic descriptions are embedded once per scorer; texts go through the shared embedding
    cache, so scoring the same posting line twice costs nothing."""

    def __init__(self, topics: dict[str, TopicInfo], embeddings: CachedEmbeddings) -> None:
        self.topics = topics
        self.ids = list(topics)
        self.embeddings = embeddings
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()

    def _topic_matrix(self) -> np.ndarray:
        with self._lock:
            if self._matrix is None:
                texts = [f"{info.name}. {info.description}" for info in self.topics.values()]
                self._matrix = np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32)
            return self._matrix

    def scores(self, texts: list[str]) -> np.ndarray:
        """(len(texts), len(topics)) evidence that each text is about each topic; 0 = none."""
        return self.evidence(texts)[0]

    def evidence(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(scores, term hit counts), both shaped (len(texts), len(topics))."""
        shape = (len(texts), len(self.ids))
        if not texts:
            return np.zeros(shape, dtype=np.float32), np.zeros(shape, dtype=np.int32)
        vectors = np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32)
        similarity = vectors @ self._topic_matrix().T
        hits = np.asarray(
            [[len(term_hits(text, self.topics[topic].terms)) for topic in self.ids] for text in texts], dtype=np.int32
        )
        scores = np.maximum(similarity - SIMILARITY_BASELINE, 0.0) + TERM_BONUS * np.minimum(hits, TERMS_COUNTED)
        return scores.astype(np.float32), hits

    def classify(self, texts: list[str]) -> list[str]:
        """The best topic for each text (the first topic when nothing matches at all)."""
        return [self.ids[int(np.argmax(row))] for row in self.scores(texts)]


class RoleProfiler:
    """Builds and caches `RoleProfile`s; one per process, shared by quizzes and the bot."""

    def __init__(self, topics: dict[str, TopicInfo], embeddings: CachedEmbeddings) -> None:
        self.scorer = TopicScorer(topics, embeddings)
        self._profiles = PerPosting(self._build, CACHED_ROLES)

    def profile(self, posting: Posting) -> RoleProfile:
        """The posting's profile, worked out once per posting version."""
        return self._profiles(posting)

    def _build(self, posting: Posting) -> RoleProfile:
        lines = requirement_lines(posting)
        ids = self.scorer.ids
        if not lines:
            return RoleProfile(posting.role_id, {t: 1 / len(ids) for t in ids}, {t: [] for t in ids})
        evidence, hits = self.scorer.evidence([line.text for line in lines])
        evidence *= np.asarray([[SECTION_WEIGHT.get(line.section, 0.5)] for line in lines], dtype=np.float32)
        why = _why(evidence, hits, lines, ids)
        return RoleProfile(posting.role_id, _weights(evidence.sum(axis=0, dtype=np.float64), ids), why)


def _weights(raw: np.ndarray, ids: list[str]) -> dict[str, float]:
    """Normalised evidence, softened by an even floor so no topic is ruled out entirely.

    In float64: the floor (FLOOR_SHARE / topics) is a promise that tests and quizzes rely on, and
    float32 rounding could leave a weight a few ulps under it depending on summation order."""
    raw = np.asarray(raw, dtype=np.float64)
    total = float(raw.sum())
    share = raw / total if total > 0 else np.full(len(ids), 1 / len(ids))
    weights = (1 - FLOOR_SHARE) * share + FLOOR_SHARE / len(ids)
    weights = weights / weights.sum()
    return {topic: float(w) for topic, w in zip(ids, weights, strict=True)}


def _why(evidence: np.ndarray, hits: np.ndarray, lines: list[PostingLine], ids: list[str]) -> dict[str, list[str]]:
    """Per topic, the lines that name one of its terms or are mostly about it, strongest first."""
    why: dict[str, list[str]] = {}
    best = evidence.max(axis=1)
    for col, topic in enumerate(ids):
        rows = [r for r in np.argsort(-evidence[:, col], kind="stable")
                if evidence[r, col] > 0 and (hits[r, col] > 0 or evidence[r, col] >= WHY_RELATIVE * best[r])]
        why[topic] = [lines[r].text for r in rows[:WHY_LIMIT]]
    return why
