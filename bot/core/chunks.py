"""Posting -> chunks: one bullet or paragraph each, with the metadata a citation needs.

Chunks follow the posting's own structure because a citation must quote a line a person can find
in the posting. Only a line longer than the model's window is split, on sentence boundaries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from bot.core.embeddings import CHUNK_MAX_TOKENS
from bot.core.postings import Posting
from bot.core.postings.structure import split_sentences

if TYPE_CHECKING:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

_WORDS_SURELY_SHORT = CHUNK_MAX_TOKENS // 2  # below this many words no tokenizer call is needed
WINDOW_WORDS = 45  # a long paragraph is searched as windows of whole sentences: sharper matches


@dataclass(frozen=True)
class Chunk:
    """A searchable piece of one role's posting."""

    id: str
    text: str
    role_id: str
    version: str
    section: str
    heading: str
    line_no: int
    source: str
    kind: str = "para"

    def metadata(self) -> dict[str, str | int]:
        data = asdict(self)
        del data["id"], data["text"]
        return data


def chunk_posting(posting: Posting, token_count: Callable[[str], int]) -> list[Chunk]:
    """Deterministic: the same posting always yields the same chunk ids and texts."""
    chunks: list[Chunk] = []
    for line in posting.lines:
        for piece in _pieces(line.text, token_count):
            chunk_id = f"{posting.role_id}:{posting.content_hash}:{len(chunks)}"
            chunks.append(
                Chunk(
                    chunk_id,
                    piece.strip(),
                    posting.role_id,
                    posting.content_hash,
                    line.section,
                    line.heading,
                    line.line_no,
                    posting.source,
                    line.kind,
                )
            )
    return chunks


def _token_splitter(token_count: Callable[[str], int]) -> RecursiveCharacterTextSplitter:
    """The splitter for a sentence too long for the model; imported only then (langchain's text
    splitters cost ~0.3 s to import, and most postings never need them)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_MAX_TOKENS,
        chunk_overlap=16,
        length_function=token_count,
        separators=[". ", "; ", ", ", " "],
        keep_separator="end",
    )


def _pieces(text: str, token_count: Callable[[str], int]) -> list[str]:
    """Sentence windows of at most ~45 words; a single over-long sentence is split by tokens."""
    if len(text.split()) <= WINDOW_WORDS:
        return [text]
    windows: list[str] = []
    for sentence in split_sentences(text):
        if windows and len(windows[-1].split()) + len(sentence.split()) <= WINDOW_WORDS:
            windows[-1] = f"{windows[-1]} {sentence}"
        else:
            windows.append(sentence)
    pieces = []
    for window in windows:
        too_long = len(window.split()) > _WORDS_SURELY_SHORT and token_count(window) > CHUNK_MAX_TOKENS
        pieces.extend(_token_splitter(token_count).split_text(window) if too_long else [window])
    return pieces
