"""Posting -> chunks: one bullet or paragraph each, with the metadata a citation needs.

Chunks follow the posting's own structure because a citation must quote a line a person can find
in the posting. Only a line longer than the model's window is split, on sentence boundaries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from bot.core.embeddings import CHUNK_MAX_TOKENS
from bot.core.postings import Posting

_WORDS_SURELY_SHORT = CHUNK_MAX_TOKENS // 2  # below this many words no tokenizer call is needed


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

    def metadata(self) -> dict[str, str | int]:
        data = asdict(self)
        del data["id"], data["text"]
        return data


def chunk_posting(posting: Posting, token_count: Callable[[str], int]) -> list[Chunk]:
    """Deterministic: the same posting always yields the same chunk ids and texts."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_MAX_TOKENS,
        chunk_overlap=16,
        length_function=token_count,
        separators=[". ", "; ", ", ", " "],
        keep_separator="end",
    )
    chunks: list[Chunk] = []
    for line in posting.lines:
        long_line = len(line.text.split()) > _WORDS_SURELY_SHORT and token_count(line.text) > CHUNK_MAX_TOKENS
        for piece in splitter.split_text(line.text) if long_line else [line.text]:
            chunk_id = f"{posting.role_id}:{posting.content_hash}:{len(chunks)}"
            chunks.append(
                Chunk(chunk_id, piece.strip(), posting.role_id, posting.content_hash, line.section,
                      line.heading, line.line_no, posting.source)
            )
    return chunks
