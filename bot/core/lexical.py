"""BM25 over every current chunk (bm25s), rebuilt only when the set of roles changes."""

from __future__ import annotations

import re

import bm25s
import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+(?:[+#]+|(?:/[a-z0-9+]+))*")
STOPWORDS = frozenset(
    "a an and are as at be but by can do does for from has have how i in is it its me my of on or our "
    "should so than that the their them there these they this to was we what when where which who why "
    "will with would you your about any all into also role roles one ones job posting postings".split()
)


def tokenize(text: str) -> list[str]:
    """Lower-case terms that keep 'c++', 'c/c++' and 'bs/ms' whole; stopwords dropped."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


class LexicalIndex:
    """Scores every chunk for a query; callers mask by role and take the top ones."""

    def __init__(self, texts: list[str]) -> None:
        self.size = len(texts)
        self._retriever = bm25s.BM25()
        self._vocab: dict[str, int] = {}
        corpus = [
            [self._vocab.setdefault(token, len(self._vocab)) for token in tokenize(t) or ["_empty_"]] for t in texts
        ]
        self._retriever.index(bm25s.tokenization.Tokenized(ids=corpus, vocab=self._vocab), show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        ids = [self._vocab[t] for t in tokenize(query) if t in self._vocab]
        if not ids or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return self._retriever.get_scores(ids)
