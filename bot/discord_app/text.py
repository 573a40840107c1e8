"""Split long text into Discord messages (≤ 2,000 characters each).

Splits at paragraph boundaries first, then at line boundaries, then between words; a character
split is the last resort. A ``` code block is never cut open: a block that must be split is
closed at the end of one message and reopened (with its language tag) at the start of the next,
so every message renders as the original did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MESSAGE_LIMIT = 2000
FENCE = "```"
_LANG = re.compile(r"[\w+#.-]{0,30}")  # what may follow an opening fence as a language tag


@dataclass
class _Unit:
    """An unbreakable piece of text and the separator that preceded it in the original."""

    text: str
    sep: str


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`text` as messages of at most `limit` characters; no empty messages (empty text -> [])."""
    if limit < 2 * len(FENCE) + 20:
        raise ValueError("limit is too small to split code blocks safely")
    text = text.strip("\n")
    if not text.strip():
        return []
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for unit in _units(text, limit):
        joined = f"{current}{unit.sep}{unit.text}" if current else unit.text
        if len(joined) <= limit:
            current = joined
        else:
            chunks.append(current)
            current = unit.text
    if current.strip():
        chunks.append(current)
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


def _units(text: str, limit: int) -> list[_Unit]:
    """Paragraphs and code blocks, broken further only where one alone exceeds `limit`."""
    units: list[_Unit] = []
    for block, sep, is_code in _blocks(text):
        if len(block) <= limit:
            units.append(_Unit(block, sep))
        elif is_code:
            pieces = _split_code(block, limit)
            units.extend(_Unit(piece, sep if i == 0 else "\n") for i, piece in enumerate(pieces))
        else:
            pieces = _split_prose(block, limit)
            units.extend(_Unit(piece, sep if i == 0 else psep) for i, (piece, psep) in enumerate(pieces))
    return units


def _blocks(text: str) -> list[tuple[str, str, bool]]:
    """(block, separator before it, is a code block): paragraphs split at blank lines, each code
    block (blank lines included) kept whole."""
    blocks: list[tuple[str, str, bool]] = []
    lines: list[str] = []
    in_code = False
    pending_sep = ""

    def flush(is_code: bool) -> None:
        nonlocal lines, pending_sep
        if lines:
            blocks.append(("\n".join(lines), pending_sep, is_code))
            lines = []
            pending_sep = "\n"

    for line in text.split("\n"):
        toggles = line.count(FENCE) % 2 == 1
        if not in_code and toggles:
            flush(False)  # the code block starts a block of its own
            lines.append(line)
            in_code = True
        elif in_code:
            lines.append(line)
            if toggles:
                in_code = False
                flush(True)
        elif not line.strip():
            flush(False)
            pending_sep = "\n\n" if blocks else ""
        else:
            lines.append(line)
    flush(in_code)
    return blocks


def _split_code(block: str, limit: int) -> list[str]:
    """A code block in pieces that each open and close the fence (the last keeps the original
    closing fence, or none when the block was never closed). Text before the opening fence on
    its line becomes a piece of its own."""
    lines = block.split("\n")
    prefix, _, rest = lines[0].partition(FENCE)
    body = lines[1:]
    if _LANG.fullmatch(rest):
        opening = f"{FENCE}{rest}"
    else:  # code on the fence line itself
        opening, body = FENCE, [rest, *body]
    closed = bool(body) and body[-1].count(FENCE) % 2 == 1
    closing = body.pop() if closed else ""
    room = limit - len(opening) - max(len(FENCE), len(closing)) - 2  # "opening\n" ... "\n```"
    pieces: list[list[str]] = [[]]
    size = 0
    for line in (part for raw in body for part in _hard_wrap(raw, room)):
        extra = len(line) + (1 if pieces[-1] else 0)
        if pieces[-1] and size + extra > room:
            pieces.append([])
            extra = len(line)
            size = 0
        pieces[-1].append(line)
        size += extra
    out = _split_words(prefix.rstrip(), limit) if prefix.strip() else []
    for i, piece in enumerate(pieces):
        end = closing if i == len(pieces) - 1 else FENCE
        out.append("\n".join([opening, *piece, *([end] if end else [])]))
    return out


def _split_prose(block: str, limit: int) -> list[tuple[str, str]]:
    """(piece, separator) for a paragraph: whole lines when possible, else words, else characters."""
    pieces: list[tuple[str, str]] = []
    for line in block.split("\n"):
        if len(line) <= limit:
            pieces.append((line, "\n"))
            continue
        for i, part in enumerate(_split_words(line, limit)):
            pieces.append((part, "\n" if i == 0 else " "))
    return pieces


def _split_words(line: str, limit: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for word in line.split(" "):
        for piece in _hard_wrap(word, limit):
            candidate = f"{current} {piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    return parts


def _hard_wrap(line: str, width: int) -> list[str]:
    """`line` cut every `width` characters (only for a single word or code line that long)."""
    if len(line) <= width:
        return [line]
    return [line[i : i + width] for i in range(0, len(line), width)]
