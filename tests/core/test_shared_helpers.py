"""Small helpers several core modules share: per-posting memo (profiles, written questions) and
the empty / too-long check for questions and answers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.core.errors import InvalidQuestion, checked_text
from bot.core.postings.memo import PerPosting


def _posting(role_id: str, content_hash: str) -> SimpleNamespace:
    return SimpleNamespace(role_id=role_id, content_hash=content_hash)


def test_per_posting_builds_once_per_version_and_again_when_the_text_changes() -> None:
    built: list[tuple[str, str]] = []
    memo = PerPosting(lambda p: built.append((p.role_id, p.content_hash)) or len(built), size=4)
    assert memo(_posting("a", "v1")) == 1
    assert memo(_posting("a", "v1")) == 1  # remembered
    assert memo(_posting("a", "v2")) == 2  # re-ingested with new text: worked out again
    assert built == [("a", "v1"), ("a", "v2")]


def test_per_posting_forgets_the_oldest_past_its_size() -> None:
    built: list[str] = []
    memo = PerPosting(lambda p: built.append(p.role_id) or p.role_id, size=2)
    for role in ("a", "b", "c", "b", "a"):
        memo(_posting(role, "v"))
    assert built == ["a", "b", "c", "a"]  # "a" was forgotten when "c" came; "b" was still kept


def test_checked_text_strips_and_explains_empty_or_long_input() -> None:
    assert checked_text("  what does it pay?\n", "question", 50, "ask something.") == "what does it pay?"
    with pytest.raises(InvalidQuestion, match=r"^The answer is empty: write something\.$"):
        checked_text(" \n ", "answer", 50, "write something.")
    with pytest.raises(InvalidQuestion, match=r"^The question is 1,200 characters; please keep it under 1,000\.$"):
        checked_text("x" * 1200, "question", 1000, "ask something.")
