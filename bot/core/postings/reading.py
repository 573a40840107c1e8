"""Turn a posting (or resume) file or fetched bytes into a `Document`: plain lines marked as
heading, bullet or paragraph, plus the page title and any schema.org JobPosting it carries.

Everything after this step is format-agnostic: the structure parser only sees `RawLine`s. Each
format lives in `bot.core.postings.formats`; heavy libraries are imported only when their format
is read so the CLI starts fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.core.errors import BadPostingFile
from bot.core.postings.formats.raw import RawLine, clean  # noqa: F401  (re-exported: the parser's line type)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_BINARY_BYTES = 10 * 1024 * 1024  # PDF/DOCX carry fonts and images; their text is still small
MAX_HTML_BYTES = 5 * 1024 * 1024  # pages carry inline scripts, styles and SVG (the fetch cap)
SUPPORTED_SUFFIXES = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
BINARY_FORMATS = {"pdf", "docx"}
_CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "md",
    "text/x-markdown": "md",
    "text/plain": "txt",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


@dataclass
class Document:
    """A read document: its lines and what the page said about itself."""

    lines: list[RawLine]
    fmt: str  # txt | md | html | pdf | docx
    source: str  # file path or URL (the citation's source)
    source_name: str  # a readable name for people
    page_title: str | None = None  # HTML <title>, if any
    structured: dict | None = None  # the schema.org JobPosting JSON-LD object, or None


def format_of(name_or_type: str) -> str | None:
    """The format for a file suffix, a MIME content type or a format name; None if unsupported."""
    value = name_or_type.split(";", 1)[0].strip().lower()
    if value in SUPPORTED_SUFFIXES.values():
        return value
    if value in {"markdown", "text", "htm"}:
        return {"markdown": "md", "text": "txt", "htm": "html"}[value]
    return SUPPORTED_SUFFIXES.get(value if value.startswith(".") else f".{value}") or _CONTENT_TYPES.get(value)


def read_document(path: Path) -> Document:
    """Read one file; raises BadPostingFile with a one-line reason a user can act on."""
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        allowed = ", ".join(sorted(set(SUPPORTED_SUFFIXES)))
        raise BadPostingFile(f"unsupported file type '{path.suffix or '(none)'}' (use {allowed})")
    size = path.stat().st_size
    _check_size(size, fmt)
    return document_from_bytes(path.read_bytes(), fmt, str(path))


def document_from_bytes(data: bytes, content_type: str, source: str) -> Document:
    """Read fetched or attached bytes. `content_type` is a MIME type, a suffix or a format name."""
    fmt = format_of(content_type)
    if fmt is None:
        raise BadPostingFile(f"unsupported content type '{content_type}' (HTML, PDF, DOCX, Markdown or text only)")
    _check_size(len(data), fmt)
    title: str | None = None
    structured: dict | None = None
    if fmt == "pdf":
        from bot.core.postings.formats.pdf import pdf_lines

        lines, title = pdf_lines(data)
    elif fmt == "docx":
        from bot.core.postings.formats.docx import docx_lines

        lines, title = docx_lines(data)
    elif fmt == "html":
        from bot.core.postings.formats.html import html_document
        from bot.core.postings.formats.plain import plain_lines

        lines, title, structured = html_document(decode_html(data, content_type), read_text=plain_lines)
    else:
        lines = split_lines(decode_text(data, content_type), fmt)
    if not lines:
        raise BadPostingFile(f"no text found in the {fmt.upper()} file")
    return Document(lines, fmt, source, _source_name(source, lines, title, structured), title, structured)


def decode_text(data: bytes, content_type: str = "") -> str:
    """Bytes to text: the declared charset, else UTF-8 (UTF-16 when a byte-order mark says so, as
    Windows Notepad saves); other NUL bytes mean a binary file."""
    charset = re.search(r"charset=([\w.-]+)", content_type, re.I)
    encoding = charset.group(1) if charset else "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in data[:8192]:
        raise BadPostingFile("the file looks binary (it contains NUL bytes)")
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as err:
        where = f" (byte {err.start})" if isinstance(err, UnicodeDecodeError) else ""
        name = "UTF-8" if encoding == "utf-8-sig" else encoding
        raise BadPostingFile(f"the file is not valid {name} text{where}") from None
    if "\x00" in text[:8192]:
        raise BadPostingFile("the file looks binary (it contains NUL bytes)")
    if not text.strip():
        raise BadPostingFile("the file contains only whitespace")
    return text


def max_bytes(fmt: str) -> int:
    """The largest file of a format we read."""
    return MAX_BINARY_BYTES if fmt in BINARY_FORMATS else MAX_HTML_BYTES if fmt == "html" else MAX_FILE_BYTES


def _check_size(size: int, fmt: str) -> None:
    if size == 0:
        raise BadPostingFile("the file is empty")
    limit = max_bytes(fmt)
    if size > limit:
        raise BadPostingFile(
            f"the file is {size / 1024 / 1024:.1f} MB; {fmt.upper()} postings are limited to {limit // 1024 // 1024} MB"
        )


def split_lines(text: str, fmt: str) -> list[RawLine]:
    """Split a text document into non-empty lines, dropping markup but keeping headings and bullets."""
    if fmt == "html":
        from bot.core.postings.formats.html import html_document
        from bot.core.postings.formats.plain import plain_lines

        return html_document(text, read_text=plain_lines)[0]
    if fmt == "md":
        from bot.core.postings.formats.markdown import markdown_lines

        return markdown_lines(text)
    from bot.core.postings.formats.plain import plain_lines

    return plain_lines(text)


def decode_html(data: bytes, content_type: str = "") -> str:
    """HTML bytes to text: the declared charset (header, then <meta>), else UTF-8, else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data)
    if b"\x00" in data[:8192]:
        raise BadPostingFile("the file looks binary (it contains NUL bytes)")
    declared = re.search(r"charset=([\w.-]+)", content_type, re.I) or re.search(
        rb"<meta[^>]+charset=[\"']?([\w.-]+)", data[:4096], re.I
    )
    names = [declared.group(1)] if declared else []
    for name in [*(n.decode() if isinstance(n, bytes) else n for n in names), "utf-8-sig", "cp1252"]:
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


_HASHED_NAME = re.compile(r"[0-9a-f]{8,}|^[\d_\W]+$", re.I)


def _source_name(source: str, lines: list[RawLine], title: str | None, structured: dict | None) -> str:
    """A name for people: the posting's own name where the document gives one, else the file
    name when it is readable, else the first heading or line."""
    from bot.core.postings.formats.jsonld import posting_name

    named = posting_name(structured) if structured else None
    if named or title:
        return named or title or ""
    if "://" in source:
        return re.sub(r"^\w+://(www\.)?", "", source).rstrip("/")
    stem = Path(source).stem
    if not _HASHED_NAME.search(stem):
        return Path(source).name
    first = next((line for line in lines[:10] if line.kind == "heading"), lines[0] if lines else None)
    return first.text[:100] if first else Path(source).name


def is_readable_file_name(source: str) -> bool:
    """False for machine names such as `002_620cffb6dc942430.txt`."""
    return "://" in source or not _HASHED_NAME.search(Path(source).stem)
