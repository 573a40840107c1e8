"""A resume as lines that either show something (work, projects, study) or only name it (skills).

Files are read by the reading layer (`document_from_bytes`), the same reader postings use, so a
resume in PDF, DOCX, Markdown or text becomes the same kind of lines. A file with no readable text
(a scan, an empty file) is `UnreadableResume`: the check must say it cannot read it rather than
judge a resume it has not seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.core.errors import BadPostingFile, PrepbotError
from bot.core.fit.vocab import vocabulary, words

RESUME_FORMATS = ("pdf", "docx", "txt", "md")
MAX_RESUME_BYTES = 5 * 1024 * 1024  # a resume is a page or two; anything larger is not one
MIN_WORDS = 8  # fewer readable words than this is not a resume we can judge
HEADING_MAX_WORDS = 4
SENTENCE_WORDS = 6  # without headings, a line this long that is not a list describes something done
_LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z &/]{1,40}):\s*(.+)$")
_PASTED_BREAK = re.compile(r"\s+[•▪●]\s+|\s+-\s+|(?<=[a-z0-9)%])\.\s+(?=[A-Z])")


class UnreadableResume(PrepbotError):
    """The resume has no text we can read; nothing was judged."""


@dataclass(frozen=True)
class ResumeLine:
    """One line of a resume: `shows` is True when it describes doing or having something."""

    text: str
    line_no: int
    section: str  # the heading it sits under ("" before any heading)
    shows: bool


@dataclass(frozen=True)
class Resume:
    lines: list[ResumeLine]
    source_name: str

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def resume_format(filename: str, content_type: str | None = None) -> str:
    """The format of an uploaded or named resume; `UnreadableResume` for any other kind of file."""
    from bot.core.postings.reading import format_of

    suffix = Path(filename).suffix.lower()
    fmt = format_of(suffix) if suffix else None
    if fmt is None and content_type:
        fmt = format_of(content_type)
    if fmt not in RESUME_FORMATS:
        shown = suffix or content_type or "(no extension)"
        raise UnreadableResume(f"I can't read this file: '{shown}' is not a resume format I read "
                               "(PDF, DOCX, TXT or MD).")
    return fmt


def read_resume_file(path: Path) -> Resume:
    """Read a resume from disk (the CLI)."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UnreadableResume(f"I can't read this file: {err.strerror or err} ({path}).") from None
    return read_resume(data, path.name)


def read_resume(data: bytes, filename: str, content_type: str | None = None) -> Resume:
    """Bytes of an upload or file -> `Resume`; size and type are checked before anything is parsed."""
    fmt = resume_format(filename, content_type)
    if not data:
        raise UnreadableResume("I can't read this file: it is empty.")
    if len(data) > MAX_RESUME_BYTES:
        raise UnreadableResume(f"I can't read this file: it is {len(data) / 1024 / 1024:.1f} MB; resumes are "
                               f"limited to {MAX_RESUME_BYTES // 1024 // 1024} MB.")
    raw = _lines(data, fmt, filename)
    if sum(len(words(text)) for text, _, _ in raw) < MIN_WORDS:
        why = "it has no text layer (a scan or an image?)" if fmt == "pdf" else "it has almost no text"
        raise UnreadableResume(f"I can't read this file: {why}. Paste the text instead, or upload a PDF with "
                               "selectable text, a DOCX, TXT or MD file.")
    return Resume(_sectioned(raw), Path(filename).name)


def resume_from_text(text: str, name: str = "pasted text") -> Resume:
    """A pasted resume (the `text:` option); read as Markdown, which plain text also is. A slash
    command's text option arrives as one line, so one line is split at its bullets and sentences."""
    if "\n" not in text.strip():
        text = "\n".join(part.strip() for part in _PASTED_BREAK.split(text) if part.strip())
    return read_resume(text.encode("utf-8"), f"{name}.md" if "." not in name else name)


def _lines(data: bytes, fmt: str, source: str) -> list[tuple[str, str, int]]:
    """(text, kind, line_no) through the reading layer; a local reader while PDF/DOCX are not in it."""
    from bot.core.postings.reading import document_from_bytes

    try:
        document = document_from_bytes(data, fmt, source)
    except BadPostingFile as err:
        if fmt in ("pdf", "docx") and "not available" in str(err):
            return _fallback_lines(data, fmt)
        raise UnreadableResume(f"I can't read this file: {err}.") from None
    return [(line.text, line.kind, line.line_no) for line in document.lines]


def _fallback_lines(data: bytes, fmt: str) -> list[tuple[str, str, int]]:
    """PDF text (pypdf) or DOCX paragraphs (python-docx), for readers without those formats."""
    import io

    from bot.core.postings.reading import clean

    texts: list[tuple[str, str]] = []
    try:
        if fmt == "pdf":
            import pypdf

            reader = pypdf.PdfReader(io.BytesIO(data))
            for page in reader.pages:
                texts.extend((line, "para") for line in (page.extract_text() or "").splitlines())
        else:
            import docx

            for paragraph in docx.Document(io.BytesIO(data)).paragraphs:
                style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
                kind = "heading" if style.startswith(("heading", "title")) else "bullet" if "list" in style else "para"
                texts.append((paragraph.text, kind))
    except Exception as err:  # noqa: BLE001 - any parser failure means the same thing to the user
        raise UnreadableResume(f"I can't read this file: it is not a readable {fmt.upper()} "
                               f"({type(err).__name__}).") from None
    out = []
    for number, (text, kind) in enumerate(texts, start=1):
        line = clean(text)
        if line.startswith(("- ", "* ", "• ")):
            line, kind = line[2:].strip(), "bullet"
        if line:
            out.append((line, kind, number))
    return out


def _heading_kind(text: str) -> str | None:
    """'evidence' / 'listing' when a short line is a resume section heading, else None."""
    tokens = words(text)
    if not tokens or len(tokens) > HEADING_MAX_WORDS or text.rstrip().endswith((".", ",")):
        return None
    vocab = vocabulary()
    if all(t in vocab.listing_headings or t in {"and", "&", "of"} for t in tokens):
        return "listing"
    if all(t in vocab.evidence_headings or t in vocab.listing_headings or t in {"and", "&", "of"} for t in tokens):
        return "evidence"
    return None


def _sectioned(raw: list[tuple[str, str, int]]) -> list[ResumeLine]:
    """Mark each line as showing something or only naming it, by its section and its shape. A
    resume with no section headings at all (pasted prose) shows things in its sentences, and only
    names them in short comma lists."""
    vocab = vocabulary()
    if not any(_heading_kind(text) for text, _, _ in raw):
        return [ResumeLine(text, number, "", len(words(text)) >= SENTENCE_WORDS and not _LABEL.match(text)
                           and text.count(",") < len(words(text)) / 3)
                for text, _kind, number in raw]
    section, section_shows = "", False  # the contact block before any heading shows nothing
    out: list[ResumeLine] = []
    for text, _kind, number in raw:
        heading = _heading_kind(text)
        if heading is not None:
            section, section_shows = text.strip().rstrip(":"), heading == "evidence"
            continue
        shows = section_shows
        label = _LABEL.match(text)
        if label and all(t in vocab.listing_labels or t in vocab.listing_headings for t in words(label.group(1))):
            shows = False
        out.append(ResumeLine(text, number, section, shows))
    return out
