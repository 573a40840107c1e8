"""PDF to lines through pypdf's text layer, with headings found by font size and weight.

A PDF's text layer has one entry per visual line, so a paragraph wrapped over three lines comes
out as three; we join a line to the one before when that one ran to the full width, did not end
a sentence and is set in the same type. Lines set larger than the body text are headings (the
largest size is level 1); lines set all in a bold face are flagged bold.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass

from bot.core.errors import BadPostingFile
from bot.core.postings.formats.raw import RawLine, bullet_split, clean

FULL_WIDTH = 0.75  # a line at least this share of the page's long lines is probably wrapped
HEADING_SCALE = 1.15  # set this much larger than the body text: a heading
_PAGE_NUMBER = re.compile(r"^(page\s+)?\d{1,3}(\s*(/|of)\s*\d{1,3})?$", re.I)


@dataclass
class _Visual:
    text: str
    size: float = 0.0
    bold: bool = False


def pdf_lines(data: bytes) -> tuple[list[RawLine], str | None]:
    """(RawLines, metadata title) of a PDF; a one-line BadPostingFile if it cannot be read."""
    visual, title = _read(data)
    visual = [v for v in visual if not _PAGE_NUMBER.match(v.text)]
    if not any(re.search(r"\w", v.text) for v in visual):
        raise BadPostingFile("the PDF has no text layer (a scanned image?)")
    joined = join_wrapped(visual)
    sizes = Counter()
    for line in joined:
        sizes[round(line.size, 1)] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    larger = sorted({round(v.size, 1) for v in joined if body and v.size >= body * HEADING_SCALE}, reverse=True)
    lines = []
    for number, line in enumerate(joined, start=1):
        level = larger.index(round(line.size, 1)) + 1 if round(line.size, 1) in larger else 0
        marker, rest = bullet_split(line.text)
        if level and len(line.text.split()) <= 15:
            lines.append(RawLine(line.text, "heading", number, min(level, 6), line.bold))
        elif marker:
            lines.append(RawLine(rest, "bullet", number, 0, line.bold))
        else:
            lines.append(RawLine(line.text, "para", number, 0, line.bold))
    return lines, title


def _read(data: bytes) -> tuple[list[_Visual], str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable files warn per object
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise BadPostingFile("the PDF is password-protected")
        visual = [line for page in reader.pages for line in _page_lines(page)]
        title = reader.metadata.title if reader.metadata else None
    except BadPostingFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as error:
        raise BadPostingFile(f"the PDF cannot be read ({type(error).__name__})") from None
    return visual, (title.strip() or None) if isinstance(title, str) else None


def _page_lines(page) -> list[_Visual]:
    """The page's lines with the size and weight of their type (from pypdf's text visitor)."""
    chars: list[tuple[str, float, bool]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float) -> None:
        scale = abs(tm[3] * cm[3]) or 1.0
        bold = bool(font) and "bold" in str(font.get("/BaseFont", "")).lower()
        chars.extend((char, size * scale, bold) for char in text)

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(c for c, _, _ in chars).strip() != text.strip():
        return [_Visual(clean(line)) for line in text.splitlines()]  # the visitor saw something else
    lines, current = [], []
    for char in [*chars, ("\n", 0.0, False)]:
        if char[0] == "\n":
            body = [c for c in current if not c[0].isspace()]
            if body:
                size = Counter(round(s, 1) for _, s, _ in body).most_common(1)[0][0]
                bold = sum(1 for c in body if c[2]) >= 0.95 * len(body)
                lines.append(_Visual(clean("".join(c for c, _, _ in current)), size, bold))
            elif current or lines:
                lines.append(_Visual(""))
            current = []
        else:
            current.append(char)
    return lines


def join_wrapped(lines: list[_Visual]) -> list[_Visual]:
    """Undo the PDF's line wrapping inside paragraphs and bullets; drop blank lines."""
    widths = sorted(len(line.text) for line in lines if line.text)
    if not widths:
        return []
    full = widths[int(len(widths) * 0.9)] * FULL_WIDTH
    out: list[_Visual] = []
    previous: _Visual | None = None
    for line in lines:
        if not line.text:
            previous = None  # a blank line ends the paragraph
            continue
        wrapped = (
            previous is not None
            and len(previous.text) >= full
            and not previous.text.endswith((".", ":", "!", "?"))
            and not bullet_split(line.text)[0]
            and not line.text.isupper()
            and (round(previous.size, 1), previous.bold) == (round(line.size, 1), line.bold)
        )
        if wrapped and previous is not None:
            hyphen = previous.text.endswith("-") and line.text[:1].islower()
            previous.text = previous.text[:-1] + line.text if hyphen else f"{previous.text} {line.text}"
        else:
            previous = _Visual(line.text, line.size, line.bold)
            out.append(previous)
    return out
