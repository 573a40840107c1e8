"""Classify short texts (section headings, meta-line labels) by similarity to labelled examples.

The examples live as data in knowledge/postings_reading/*.yaml. A text takes the kind of its
nearest example when that example is close enough; otherwise it has no kind (an unknown heading
keeps its own name). Similarity only says what a heading is *about*; nothing here judges whether
a posting is right. Vectors come from the bundled embedding model through
`bot.core.embeddings.load_embeddings` (the same encoder the index uses), and every text is
classified once per process: postings repeat the same few dozen headings. The examples' own vectors
are kept between runs (bot/core/disk_cache.py), so a fresh `prepbot ingest` does not embed them again.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from bot.core.disk_cache import cached_vectors

KNOWLEDGE_DIR = Path(__file__).resolve().parents[3] / "knowledge" / "postings_reading"
_NOISE = re.compile(r"[^\w\s'&/+-]", re.UNICODE)


def heading_key(text: str) -> str:
    """The words of a heading without markup, emoji, numbering or a trailing colon."""
    text = re.sub(r"^\s*(?:\d{1,2}[.)]|[ivx]{1,4}\.)\s+", "", text)
    return re.sub(r"\s+", " ", _NOISE.sub(" ", text)).strip().lower()


@cache
def encoder():  # noqa: ANN201 - the embeddings object of bot.core.embeddings
    """The bundled model (shared with the index when it uses the bundled model too)."""
    from bot.config import bundled_model_path
    from bot.core.embeddings import load_embeddings

    return load_embeddings(bundled_model_path())


def _vectors(texts: list[str]) -> np.ndarray:
    return _normalised(np.asarray(encoder().embed_documents(texts), dtype=np.float32))


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


class ExampleClassifier:
    """Nearest-example classification over labelled example texts, with a per-text cache."""

    def __init__(self, examples: dict[str, list[str]], threshold: float) -> None:
        self.threshold = threshold
        self._labels = [kind for kind, texts in examples.items() for _ in texts]
        self._texts = [heading_key(text) for texts in examples.values() for text in texts]
        self._matrix: np.ndarray | None = None
        self._exact = {text: kind for text, kind in zip(self._texts, self._labels, strict=True)}
        self._cache: dict[str, tuple[str | None, float]] = {}
        self._lock = threading.Lock()

    def classify(self, texts: list[str]) -> list[tuple[str | None, float]]:
        """(kind, similarity) per text; kind None when no example is within the threshold."""
        keys = [heading_key(text) for text in texts]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k and k not in self._cache and k not in self._exact))
        if missing:
            if self._matrix is None:
                self._matrix = _normalised(cached_vectors("posting-examples", self._texts, encoder()))
            scores = _vectors(missing) @ self._matrix.T
            with self._lock:
                for key, row in zip(missing, scores, strict=True):
                    best = int(np.argmax(row))
                    similarity = float(row[best])
                    self._cache[key] = (self._labels[best] if similarity >= self.threshold else None, similarity)
        results = []
        for key in keys:
            if key in self._exact:
                results.append((self._exact[key], 1.0))
            else:
                results.append(self._cache.get(key, (None, 0.0)))
        return results


def prefetch(texts: list[str]) -> None:
    """Encode every short text a posting will classify in one model call (headings and labels
    together): one batch costs little more than one text, and the vectors stay cached."""
    keys = list(dict.fromkeys(key for key in map(heading_key, texts) if key))
    if keys:
        encoder().embed_documents(keys)


def load_yaml(name: str) -> dict:
    return yaml.safe_load((KNOWLEDGE_DIR / name).read_text(encoding="utf-8"))
