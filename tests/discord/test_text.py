"""The message splitter: ≤ 2,000 characters, paragraph/line boundaries, code fences never broken."""

from __future__ import annotations

import random
import re

import pytest

from bot.discord_app.text import MESSAGE_LIMIT, split_message


def words(text: str) -> list[str]:
    """The text's words, fence markers left out (the splitter adds fences when it splits code)."""
    return [w for w in text.split() if "```" not in w]


def fences_balanced(chunk: str) -> bool:
    return chunk.count("```") % 2 == 0


def test_short_text_is_one_message():
    """Text within the limit comes back unchanged, as one message."""
    assert split_message("hello\n\nworld") == ["hello\n\nworld"]


def test_empty_text_is_no_message():
    """Whitespace-only text produces no messages (Discord rejects empty ones)."""
    assert split_message("  \n\n ") == []


def test_splits_at_paragraph_boundaries():
    """Paragraphs stay whole when they fit: every message ends where a paragraph ended."""
    paragraphs = [f"Paragraph {i}. " + "word " * 60 for i in range(40)]
    chunks = split_message("\n\n".join(p.strip() for p in paragraphs))
    assert len(chunks) > 1
    assert all(len(c) <= MESSAGE_LIMIT for c in chunks)
    for chunk in chunks:
        assert chunk.startswith("Paragraph ") and chunk.endswith("word")


def test_long_paragraph_splits_at_lines_then_words():
    """A paragraph over the limit splits between lines, and a line over it between words."""
    lines = "\n".join(f"line {i} " + "x" * 50 for i in range(100))
    chunks = split_message(lines)
    assert all(len(c) <= MESSAGE_LIMIT for c in chunks)
    assert all(c.startswith("line ") for c in chunks)
    one_line = " ".join(f"w{i}" for i in range(1500))
    chunks = split_message(one_line)
    assert all(len(c) <= MESSAGE_LIMIT for c in chunks)
    assert words(" ".join(chunks)) == words(one_line)


def test_word_longer_than_the_limit_is_cut():
    """A single 5,000-character word is cut into pieces rather than sent too long."""
    chunks = split_message("a" * 5000)
    assert [len(c) for c in chunks] == [2000, 2000, 1000]


def test_code_block_is_kept_whole_when_it_fits():
    """A code block that fits in a message is never split, even with blank lines inside."""
    code = "```python\n" + "\n\n".join(f"x_{i} = {i}" for i in range(100)) + "\n```"
    text = "intro " * 300 + "\n\n" + code + "\n\nafter"
    chunks = split_message(text)
    assert any(code in c for c in chunks)
    assert all(fences_balanced(c) for c in chunks)


def test_long_code_block_is_closed_and_reopened_with_its_language():
    """A code block over the limit is split between lines; each piece is a complete block."""
    body = "\n".join(f"print({i})  # a line of code" for i in range(400))
    text = f"Here is the code:\n\n```python\n{body}\n```\n\nThat's all."
    chunks = split_message(text)
    assert len(chunks) >= 5
    assert all(len(c) <= MESSAGE_LIMIT for c in chunks)
    assert all(fences_balanced(c) for c in chunks)
    code_chunks = [c for c in chunks if "print(" in c]
    assert all(re.search(r"^```python$", c, re.M) for c in code_chunks)
    assert words("\n".join(chunks)) == words(text)


def test_unclosed_code_block_stays_unclosed_at_the_end():
    """A block the text never closes is split like any other, and the last piece is left open."""
    text = "```\n" + "\n".join(f"line {i}" for i in range(600))
    chunks = split_message(text)
    assert all(len(c) <= MESSAGE_LIMIT for c in chunks)
    assert all(fences_balanced(c) for c in chunks[:-1])
    assert chunks[-1].startswith("```") and chunks[-1].count("```") == 1


def test_inline_fences_do_not_open_a_block():
    """```x``` on one line opens and closes on that line, so it does not start a code block."""
    text = ("see ```x``` here " * 20 + "\n\n") * 30
    chunks = split_message(text)
    assert all(len(c) <= MESSAGE_LIMIT and fences_balanced(c) for c in chunks)


@pytest.mark.parametrize("seed", range(30))
def test_random_documents_respect_every_rule(seed):
    """Random mixes of prose, long lines and code blocks: limits, fences and words all hold."""
    rng = random.Random(seed)
    parts = []
    for _ in range(rng.randint(5, 40)):
        kind = rng.random()
        if kind < 0.5:
            parts.append(" ".join(f"w{rng.randint(0, 999)}" for _ in range(rng.randint(1, 300))))
        elif kind < 0.8:
            lang = rng.choice(["", "py", "cpp"])
            lines = ["code" + "#" * rng.randint(0, 120) for _ in range(rng.randint(1, 80))]
            parts.append(f"```{lang}\n" + "\n".join(lines) + "\n```")
        else:
            parts.append("\n".join("- item " + "y" * rng.randint(0, 90) for _ in range(rng.randint(1, 40))))
    text = "\n\n".join(parts)
    limit = rng.choice([200, 500, MESSAGE_LIMIT])
    chunks = split_message(text, limit)
    assert all(0 < len(c) <= limit for c in chunks)
    assert all(fences_balanced(c) for c in chunks)
    assert words("\n".join(chunks)) == words(text)


def test_code_line_longer_than_a_message_is_cut_inside_the_block():
    """Even a single 5,000-character code line ends up in complete blocks of ≤ 2,000 characters."""
    text = "```\n" + "z" * 5000 + "\n```"
    chunks = split_message(text)
    assert all(len(c) <= MESSAGE_LIMIT and fences_balanced(c) for c in chunks)
    assert "".join(c.replace("```", "").replace("\n", "") for c in chunks) == "z" * 5000


def test_text_before_a_fence_on_the_same_line_stays_outside_the_code():
    """'Here: ```py' split across messages keeps 'Here:' as prose and reopens ```py after it."""
    text = "Here: ```py\n" + "\n".join(f"v{i} = {i}" for i in range(500)) + "\n```"
    chunks = split_message(text)
    assert chunks[0].startswith("Here:")
    assert all(fences_balanced(c) for c in chunks)
    assert all(c.startswith("```py") for c in chunks if "v1 = 1" in c or "v499" in c)
    assert words("\n".join(chunks)) == words(text)
