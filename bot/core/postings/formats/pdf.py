"""PDF to lines through pypdf's text layer.

A PDF's text layer has one entry per visual line, so a paragraph wrapped over three lines
comes out as three; we join a line to the one before when that one ran to the full width and
did not end a sentence, and keep bullets, short lines and `Label:` lines as they are.
"""

from __future__ import annotations

import io
import logging
import re

from bot.core.errors import BadPostingFile
from bot.core.postings.formats.plain import bullet_split, lines_from

FULL_WIDTH = 0.75  # a line at least this share of the page's long lines is probably wrapped
_PAGE_NUMBER = re.compile(r"^(page\s+)?\d{1,3}(\s*(/|of)\s*\d{1,3})?$", re.I)


def pdf_text(data: bytes) -> tuple[list[str], str | None]:
    """The PDF's visual lines and its metadata title; a one-line BadPostingFile if unreadable."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable files warn per object
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise BadPostingFile("the PDF is password-protected")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except BadPostingFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as error:
        raise BadPostingFile(f"the PDF cannot be read ({type(error).__name__})") from None
    lines = [line for page in pages for line in page.splitlines()]
    if not any(re.search(r"\w", line) for line in lines):
        raise BadPostingFile("the PDF has no text layer (a scanned image?)")
    return lines, (title.strip() or None) if isinstance(title, str) else None


def pdf_lines(data: bytes):
    """(RawLines, title) of a PDF."""
    lines, title = pdf_text(data)
    return lines_from(join_wrapped([line for line in lines if not _PAGE_NUMBER.match(line.strip())])), title


def join_wrapped(lines: list[str]) -> list[str]:
    """Undo the PDF's line wrapping inside paragraphs and bullets."""
    widths = sorted(len(line.strip()) for line in lines if line.strip())
    if not widths:
        return []
    full = widths[int(len(widths) * 0.9)] * FULL_WIDTH
    out: list[str] = []
    for line in (raw.strip() for raw in lines):
        if not line:
            out.append("")
            continue
        previous = out[-1] if out else ""
        wrapped = (
            previous
            and len(previous) >= full
            and not previous.endswith((".", ":", "!", "?"))
            and not bullet_split(line)[0]
            and not line.isupper()
        )
        if wrapped:
            joiner = "" if previous.endswith("-") and line[:1].islower() else " "
            out[-1] = (previous[:-1] if joiner == "" else previous) + joiner + line
        else:
            out.append(line)
    return out
