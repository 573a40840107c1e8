"""What a message asks for, by meaning: nearest labelled paraphrases on the bundled encoder.

Every example in knowledge/intents/ is embedded once (cached on disk next to the index, keyed by
the examples and the model) and a message is scored against each intent by the mean similarity
of its closest examples. The message vector is the same one retrieval uses (the encoder caches
by text), so understanding costs no extra model call for a one-part question. Similarity says
what a message is about; a low best score means "not sure" and leads to a clarifying question.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.core.disk_cache import cached_vectors
from bot.core.understanding.data import intent_examples

if TYPE_CHECKING:
    from bot.core.embeddings import CachedEmbeddings

NEAREST = 3  # an intent's score: mean similarity of its 3 closest examples (robust to one odd example)
# Chosen by scripts/eval_intents.py on the tuning half of the development questions: the lowest threshold
# whose answered questions are >= 95% right (docs/benchmarks.md). Those are questions about roles, so it
# decides only whether a role question is answered by its intent or by quoting lines / asking back.
CONFIDENT = 0.30
# Acting on a command or small talk (start a quiz, set a role, forget, "hi") outside a running quiz: the
# dev questions say nothing about these, so they keep the stricter bar they were built with.
ACT_CONFIDENT = 0.65
CLAUSE_CONFIDENT = 0.6  # a second part of a question must be at least this clear to add its intent
CONTROL_CONFIDENT = 0.7  # inside a quiz, a control phrase ("harder please") must be this clear


@dataclass(frozen=True)
class IntentScore:
    name: str
    score: float


class IntentClassifier:
    """Nearest-prototype classifier over the labelled paraphrases."""

    def __init__(self, embeddings: CachedEmbeddings, cache_dir: Path | None = None,
                 examples: dict[str, tuple[str, ...]] | None = None, cache_name: str = "intents") -> None:
        self.embeddings = embeddings
        self.examples = examples or intent_examples()
        self._cache_name = cache_name  # one disk cache file per set of examples
        self.names = list(self.examples)
        self._cache_dir = cache_dir
        self._matrix: np.ndarray | None = None
        self._bounds: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def vocabulary(self, name: str) -> frozenset[str]:
        """Every word the intent's examples use: what asking for it sounds like."""
        from bot.core.text import words

        return frozenset(w for example in self.examples.get(name, ()) for w in words(example, parts=True))

    def vectors(self) -> np.ndarray:
        """The examples' vectors, built on first use (from the disk cache when it is current)."""
        with self._lock:
            if self._matrix is None:
                texts = [t for name in self.names for t in self.examples[name]]
                self._matrix = self._load_or_embed(texts)
                start = 0
                for name in self.names:
                    self._bounds.append((start, start + len(self.examples[name])))
                    start += len(self.examples[name])
            return self._matrix

    def classify_vector(self, vector: np.ndarray) -> list[IntentScore]:
        """Every intent's score for one message vector, best first."""
        sims = self.vectors() @ vector
        scores = []
        for name, (start, end) in zip(self.names, self._bounds, strict=True):
            block = sims[start:end]
            k = min(NEAREST, len(block))
            scores.append(IntentScore(name, float(np.partition(block, -k)[-k:].mean())))
        return sorted(scores, key=lambda s: -s.score)

    def classify(self, text: str) -> list[IntentScore]:
        return self.classify_vector(self.embed(text))

    def classify_many(self, texts: list[str]) -> list[list[IntentScore]]:
        if not texts:
            return []
        matrix = np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32)
        return [self.classify_vector(row) for row in matrix]

    def embed(self, text: str) -> np.ndarray:
        return np.asarray(self.embeddings.embed_query(text), dtype=np.float32)

    def _load_or_embed(self, texts: list[str]) -> np.ndarray:
        if self._cache_dir is None:
            return np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32)
        return cached_vectors(self._cache_name, texts, self.embeddings, self._cache_dir)
