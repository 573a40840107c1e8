"""Posting -> chunks (bot/core/chunks.py) on hand-built postings, with a word count standing in for
the model's tokenizer so the rules are checked without loading the model."""

from __future__ import annotations

import re

from bot.core.chunks import WINDOW_WORDS, chunk_posting
from bot.core.embeddings import CHUNK_MAX_TOKENS
from bot.core.postings import Posting, PostingLine


def _words(text: str) -> int:
    return len(text.split())


def _posting(lines: list[PostingLine], content_hash: str = "v1") -> Posting:
    return Posting(role_id="acme-ml-engineer", title="ML Engineer", company="Acme", source="acme.md", lines=lines,
                   content_hash=content_hash)


SHORT = [
    PostingLine("Acme builds search for shops.", "about", 3, "para", "About us"),
    PostingLine("Train ranking models in PyTorch.", "responsibilities", 7, "bullet", "What you'll do"),
]


def test_one_chunk_per_line_with_what_a_citation_needs() -> None:
    """Each short line is one chunk whose metadata names its role, version, section, heading, line and file."""
    chunks = chunk_posting(_posting(SHORT), _words)
    assert [c.text for c in chunks] == [line.text for line in SHORT]
    second = chunks[1]
    assert second.id == "acme-ml-engineer:v1:1"
    assert second.metadata() == {"role_id": "acme-ml-engineer", "version": "v1", "section": "responsibilities",
                                 "heading": "What you'll do", "line_no": 7, "source": "acme.md", "kind": "bullet"}


def test_the_same_posting_gives_the_same_chunks_and_a_new_version_new_ids() -> None:
    """Chunk ids are stable across runs (re-ingest is idempotent) and change with the posting's content."""
    first = chunk_posting(_posting(SHORT), _words)
    assert first == chunk_posting(_posting(SHORT), _words)
    assert {c.id for c in first}.isdisjoint(c.id for c in chunk_posting(_posting(SHORT, "v2"), _words))


def test_a_long_paragraph_becomes_windows_of_whole_sentences() -> None:
    """A paragraph over the window is cut between sentences; every window is short enough, keeps the
    line it came from, and together they hold the whole paragraph in order."""
    sentences = [f"Sentence {n} describes one duty of the role in about twelve plain words." for n in range(12)]
    paragraph = " ".join(sentences)
    assert _words(paragraph) > WINDOW_WORDS
    chunks = chunk_posting(_posting([PostingLine(paragraph, "responsibilities", 12)]), _words)
    assert len(chunks) > 1
    assert all(_words(c.text) <= WINDOW_WORDS and c.line_no == 12 for c in chunks)
    assert " ".join(c.text for c in chunks) == paragraph
    assert all(c.text.endswith(".") for c in chunks)  # cut at sentence ends, never mid-sentence


def test_a_sentence_longer_than_the_model_window_is_split_by_tokens() -> None:
    """One sentence with more tokens than the model reads is split into pieces that each fit."""
    sentence = ", ".join(f"skill{n} and tool{n}" for n in range(CHUNK_MAX_TOKENS)) + "."
    chunks = chunk_posting(_posting([PostingLine(sentence, "minimum_qualifications", 20)]), _words)
    assert len(chunks) > 1
    assert all(_words(c.text) <= CHUNK_MAX_TOKENS for c in chunks)
    found = set(re.findall(r"skill\d+", " ".join(c.text for c in chunks)))
    assert found == {f"skill{n}" for n in range(CHUNK_MAX_TOKENS)}  # nothing lost at the cuts
