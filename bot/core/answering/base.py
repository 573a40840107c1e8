"""What every answer part shares: the `Answer` shape, role names for people, relevant passages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.core.citations import Citation, CitationList
from bot.core.postings.structure import split_sentences
from bot.core.roles import role_name as name  # noqa: F401  (how people call a role; the answer parts import it here)

if TYPE_CHECKING:
    from bot.core.catalogue import Hit
    from bot.core.index import KnowledgeIndex
    from bot.core.postings import Posting, PostingLine

MIN_SIMILARITY = 0.32  # below this a posting line is not about the question (all-MiniLM cosine)
MIN_SIMILARITY_WITH_TERMS = 0.22  # ...unless BM25 also found the question's words in it
RELATIVE_MARGIN = 0.12  # lines much weaker than the best match are noise next to it
MAX_LISTED = 15  # roles named in one reply (Discord embeds and readers both have limits)
# A quoted line's section changes what it means: "German skills" under "nice to have" is not a must.
QUALIFIERS = {"minimum_qualifications": " (a requirement)",
              "preferred_qualifications": " (preferred, not required)"}


@dataclass
class Answer:
    question: str
    text: str
    role_id: str | None = None
    citations: list[Citation] = field(default_factory=list)
    kind: str = "passage"  # field | section | card | cross-role | passage | not-found | refusal | chat | clarify
    role_ids: list[str] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "role": self.role_id,
            "citations": [c.to_dict() for c in self.citations],
            "roles": self.role_ids,
            "kind": self.kind,
            "intents": self.intents,
        }


def relevant(hits: list[Hit], strict: bool = False) -> list[Hit]:
    """Hits that are about the question: absolute floors, then close to the best one found.
    `strict` (facts a posting rarely states: benefits, housing) also wants a question word in the line."""

    def passes(hit: Hit) -> bool:
        text = hit.chunk.text
        if hit.chunk.kind == "header" or len(text.split()) < 2 or text.rstrip().endswith("?"):
            return False  # "Role: Internship", "Are you applying?": no answer in them
        if strict:
            return hit.lexical > 0 and hit.similarity >= MIN_SIMILARITY
        floor = MIN_SIMILARITY + (0.1 if hit.chunk.section == "other" else 0.0)
        return hit.similarity >= floor or (hit.lexical > 0 and hit.similarity >= MIN_SIMILARITY_WITH_TERMS)

    kept = [hit for hit in hits if passes(hit)]
    best = max((hit.similarity for hit in kept), default=0.0)
    return [hit for hit in kept if hit.similarity >= best - RELATIVE_MARGIN]


def line_of(index: KnowledgeIndex, hit: Hit) -> tuple[Posting, PostingLine] | None:
    posting = index.role(hit.chunk.role_id)
    if posting is None:
        return None
    line = next((ln for ln in posting.lines if ln.line_no == hit.chunk.line_no and hit.chunk.text in ln.text), None)
    return (posting, line) if line is not None else None


def best_sentence(index: KnowledgeIndex, question: str, text: str) -> str:
    """Quote the sentence of a long line that is closest to the question, not the whole paragraph."""
    sentences = split_sentences(text)
    if len(sentences) <= 1 or len(text) < 160:
        return text
    scores = index.similarity(question, sentences)
    return sentences[max(range(len(sentences)), key=scores.__getitem__)]


def passages(index: KnowledgeIndex, text: str, roles: list[Posting], cites: CitationList, *, limit: int = 3,
             strict: bool = False, must_contain: list[str] | None = None,
             must_contain_all: list[str] | None = None) -> dict[str, list[str]]:
    """The best posting lines for `text` within `roles` (all roles when empty), as quoted bullets
    grouped by role id. The plain-retrieval floor every structured answer falls back to.
    `must_contain`: a line counts only if it has one of these words (or phrases): for facts a
    posting rarely states, a line that is merely similar ("benefits") does not answer.
    `must_contain_all`: every one of these words, checked before any line is cited (a line that is
    dropped afterwards would leave a citation behind)."""
    role_ids = [p.role_id for p in roles] or None
    hits = relevant(index.search(text, role_ids, k=8), strict=strict)
    if must_contain is not None:
        hits = [hit for hit in hits if contains_any(hit.chunk.text, must_contain)]
    if must_contain_all:
        hits = [hit for hit in hits if all(contains_any(hit.chunk.text, [word]) for word in must_contain_all)]
    found: dict[str, list[str]] = {}
    for hit in hits[:limit]:
        located = line_of(index, hit)
        if located is None:
            continue
        posting, line = located
        quote = best_sentence(index, text, hit.chunk.text)
        where = QUALIFIERS.get(line.section, "")
        found.setdefault(posting.role_id, []).append(f"• “{quote}”{where} {cites.mark(posting, line)}")
    return found


def contains_any(text: str, wanted: list[str]) -> bool:
    """Whether `text` has one of the words or phrases (a word's plural or -ing form counts)."""
    lowered = text.lower()
    for phrase in wanted:
        stem = phrase.lower()
        stem = stem[:-1] if len(stem) > 4 and stem.endswith("s") else stem
        if re.search(rf"(?<![a-z0-9]){re.escape(stem)}", lowered):
            return True
    return False
