"""Markdown to lines through markdown-it-py (CommonMark plus tables).

ATX, closed-ATX and setext headings keep their level; a paragraph line that is bold throughout
("**What you'll do**") is flagged bold (a pseudo-heading or a meta line: the structure parser
decides); links become their text; each source line of a paragraph stays its own line, because
postings put one fact per line ("**Location:** Singapore").
"""

from __future__ import annotations

from functools import cache

from bot.core.postings.formats.raw import RawLine, bullet_split, clean
from bot.core.postings.formats.tables import table_lines


@cache
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def markdown_lines(text: str) -> list[RawLine]:
    tokens = _parser().parse(text)
    lines: list[RawLine] = []
    heading_level, items, index = 0, 0, 0  # items: how many list items we are inside
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "heading_close":
            heading_level = 0
        elif token.type == "list_item_open":
            items += 1
        elif token.type == "list_item_close":
            items -= 1
        elif token.type == "inline":
            kind = "heading" if heading_level else "bullet" if items else "para"
            lines += _inline_lines(token, kind, heading_level)
        elif token.type in {"fence", "code_block"}:
            start = token.map[0] + 1 if token.map else 0
            code = token.content.splitlines()
            lines += [RawLine(clean(text), "para", start + n) for n, text in enumerate(code) if clean(text)]
        elif token.type == "html_block":
            lines += _html_block(token)
        elif token.type == "table_open":
            index = _table(tokens, index, lines)
        index += 1
    return lines


def _inline_lines(token, kind: str, level: int) -> list[RawLine]:
    """Split an inline run at its line breaks; each piece knows whether it was all bold."""
    start = token.map[0] + 1 if token.map else 0
    pieces: list[list[tuple[str, bool]]] = [[]]
    bold = 0
    for child in token.children or []:
        if child.type in {"softbreak", "hardbreak"}:
            pieces.append([])
        elif child.type == "strong_open":
            bold += 1
        elif child.type == "strong_close":
            bold -= 1
        elif child.type in {"text", "code_inline"}:
            pieces[-1].append((child.content, bold > 0))
        elif child.type == "html_inline" and child.content.lower().startswith("<br"):
            pieces.append([])
    lines = []
    for offset, piece in enumerate(pieces):
        text = clean("".join(part for part, _ in piece))
        if not text:
            continue
        sized = [len(part.strip()) for part, _ in piece]
        is_bold = sum(size for size, (_, b) in zip(sized, piece, strict=True) if b) >= 0.95 * (sum(sized) or 1)
        line_kind = kind
        if kind == "para":
            marker, rest = bullet_split(text)
            if marker:
                line_kind, text = "bullet", rest
        lines.append(RawLine(text, line_kind, start + offset, level if line_kind == "heading" else 0, is_bold))
    return lines


def _html_block(token) -> list[RawLine]:
    from bot.core.postings.formats.html import html_document

    start = token.map[0] + 1 if token.map else 0
    found, _, _ = html_document(f"<html><body>{token.content}</body></html>")
    return [RawLine(line.text, line.kind, start, line.level, line.bold) for line in found]


def _table(tokens, index: int, lines: list[RawLine]) -> int:
    """Read a table's rows; returns the index of its table_close."""
    header: list[str] = []
    body: list[list[str]] = []
    row: list[str] = []
    in_head = False
    start = tokens[index].map[0] + 1 if tokens[index].map else 0
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            if in_head:
                header = row
            else:
                body.append(row)
        elif token.type == "inline":
            row.append(clean("".join(c.content for c in token.children or [] if c.type in {"text", "code_inline"})))
        index += 1
    for offset, (text, kind) in enumerate(table_lines(header, body)):
        lines.append(RawLine(text, kind, start + offset, 0, kind == "heading"))
    return index
