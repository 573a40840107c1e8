"""The tool guides in knowledge/quiz/ (reviewed data) and how the question templates use them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.postings import PostingLine
from bot.core.postings.tech import find_tech
from bot.core.quiz.templates import (
    FOLLOW_UPS_RANGE,
    KEY_POINTS_RANGE,
    TOOL_GUIDES_FILE,
    InvalidToolGuides,
    load_tool_guides,
    tool_draft,
)


def test_bundled_tool_guides_validate_and_keep_the_schema() -> None:
    """The shipped file loads, and every guide has 3-6 key points and 1-3 follow-ups."""
    guides = load_tool_guides(TOOL_GUIDES_FILE)
    assert len(guides) >= 5
    for tool, draft in guides.items():
        assert KEY_POINTS_RANGE[0] <= len(draft.key_points) <= KEY_POINTS_RANGE[1], tool
        assert FOLLOW_UPS_RANGE[0] <= len(draft.follow_ups) <= FOLLOW_UPS_RANGE[1], tool
        assert len(set(draft.key_points)) == len(draft.key_points), f"{tool} repeats a key point"


def test_every_guided_tool_is_one_the_tech_finder_reports() -> None:
    """A guide is only reachable when a posting line names the tool, so each name must be detectable."""
    for tool in load_tool_guides(TOOL_GUIDES_FILE):
        names, _ = find_tech([PostingLine(f"Proficient in {tool} and related tools.", "other", 1)])
        assert tool in names, f"{tool}: the tech finder does not report this name, so the guide is never used"


def test_a_guided_tool_gets_its_reviewed_question_and_others_a_generic_one() -> None:
    """PyTorch gets the reviewed guide; a tool without a guide gets the generic question naming it."""
    assert tool_draft("PyTorch") == load_tool_guides(TOOL_GUIDES_FILE)["PyTorch"]
    generic = tool_draft("Haskell")
    assert generic.question.startswith("This role asks for Haskell.")
    assert any("Haskell" in point for point in generic.key_points)


def test_a_broken_guides_file_lists_every_problem(tmp_path: Path) -> None:
    """Two bad entries are both named (one review round fixes them all), with the entry number and tool."""
    path = tmp_path / "tool_guides.yaml"
    path.write_text(
        "tools:\n"
        "  - tool: Go\n    question: Tell me about Go.\n    key_points: [a, b, c]\n    follow_ups: [x]\n"
        "  - tool: Rust\n    question: This role asks for Rust. Why?\n    key_points: [a]\n    follow_ups: [x]\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidToolGuides) as caught:
        load_tool_guides(path)
    message = str(caught.value)
    assert "entry 1 (Go)" in message and "This role asks for" in message
    assert "entry 2 (Rust)" in message and "`key_points` has 1 entries" in message


def test_a_duplicate_tool_and_a_missing_list_are_rejected(tmp_path: Path) -> None:
    """The same tool twice is an error, and so is a file without a `tools:` list."""
    entry = "  - tool: Go\n    question: This role asks for Go.\n    key_points: [a, b, c]\n    follow_ups: [x]\n"
    path = tmp_path / "tool_guides.yaml"
    path.write_text("tools:\n" + entry + entry, encoding="utf-8")
    with pytest.raises(InvalidToolGuides, match="Go is listed twice"):
        load_tool_guides(path)
    path.write_text("guides: []\n", encoding="utf-8")
    with pytest.raises(InvalidToolGuides, match="`tools:` list"):
        load_tool_guides(path)
