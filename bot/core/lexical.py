"""BM25 over every current chunk (bm25s), rebuilt only when the set of roles changes."""

from __future__ import annotations

import bm25s
import numpy as np

from bot.core import text

#: Words every question about postings uses ("which role", "this job posting"): they rank nothing.
QUERY_WORDS = frozenset("role roles job jobs posting postings one ones".split())
#: What search ignores: the function words of `bot.core.text.STOPWORDS` and `QUERY_WORDS`.
STOPWORDS = text.STOPWORDS | QUERY_WORDS


def tokenize(passage: str) -> list[str]:
    """The words of `passage` (bot.core.text: "c++", "c/c++" and "bs/ms" stay whole) search ranks by."""
    return [word for word in text.words(passage) if word not in STOPWORDS]


class LexicalIndex:
    """Scores every chunk for a query; callers mask by role and take the top ones."""

    def __init__(self, texts: list[str]) -> None:
        self.size = len(texts)
        self._retriever = bm25s.BM25()
        self._vocab: dict[str, int] = {}
        corpus = [
            [self._vocab.setdefault(token, len(self._vocab)) for token in tokenize(t) or ["_empty_"]] for t in texts
        ]
        if corpus:  # bm25s cannot index nothing (an owner with no chunks yet)
            self._retriever.index(bm25s.tokenization.Tokenized(ids=corpus, vocab=self._vocab), show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        """One BM25 score per chunk, in the order the chunks were given (zero where no query word occurs)."""
        ids = [self._vocab[t] for t in tokenize(query) if t in self._vocab]
        if not ids or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return self._retriever.get_scores(ids)
