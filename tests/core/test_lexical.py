"""BM25 over chunks (bot/core/lexical.py): what it ranks by and how it scores, without the model."""

from __future__ import annotations

import numpy as np

from bot.core.lexical import LexicalIndex, tokenize

CHUNKS = [
    "Build ranking models with C++ and CUDA for low-latency serving.",
    "Design A/B experiments and analyse metrics with SQL.",
    "Train recommendation models in PyTorch on large-scale user behaviour data.",
    "",
]


def test_tokenize_keeps_tech_names_and_drops_function_and_question_words() -> None:
    """"C++" and "C/C++" stay whole; "what", "the", "role" and "job" rank nothing and are dropped."""
    assert tokenize("What C++ or C/C++ does the role and this job need?") == ["c++", "c/c++", "need"]


def test_the_chunk_naming_a_rare_term_scores_highest() -> None:
    """A query term found in one chunk puts that chunk first, above chunks without it."""
    scores = LexicalIndex(CHUNKS).scores("Which roles use CUDA?")
    assert scores.shape == (len(CHUNKS),)
    assert int(np.argmax(scores)) == 0
    assert scores[0] > 0 and np.all(scores[1:] == 0)


def test_a_term_in_two_chunks_scores_both_above_the_rest() -> None:
    """"models" appears in the ranking and the recommendation chunks: both score, the others do not."""
    scores = LexicalIndex(CHUNKS).scores("models")
    assert scores[0] > 0 and scores[2] > 0
    assert scores[1] == 0 and scores[3] == 0


def test_a_query_of_unknown_or_stop_words_scores_nothing() -> None:
    """Words the chunks never use, or only stopwords, give all-zero scores rather than an error."""
    index = LexicalIndex(CHUNKS)
    assert not index.scores("kubernetes haskell").any()
    assert not index.scores("what is the role").any()


def test_an_empty_index_scores_an_empty_array() -> None:
    """No chunks yet (a fresh install) gives an empty score array for any query."""
    assert LexicalIndex([]).scores("pytorch").shape == (0,)
