"""Turn a .txt, .md or .html file into plain lines, each marked as a heading, bullet or paragraph.

Everything after this step is format-agnostic: the structure parser only sees `RawLine`s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from bot.core.errors import BadPostingFile

MAX_FILE_BYTES = 2 * 1024 * 1024
SUPPORTED_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}

_BULLET = re.compile(r"^\s*(?:[•●▪◦‣∙·*+\-–—]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_NOISE = re.compile(r"(\*\*|__|`|~~|!\[[^\]]*\]\([^)]*\))")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_DROP_TAGS = ("script", "style", "nav", "footer", "noscript", "svg", "form", "button", "iframe", "template")
_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "li", "p", "dt", "dd", "td", "th", "pre", "blockquote")


@dataclass(frozen=True)
class RawLine:
    """A line of the source with its kind: heading lines come from markup or from the wording."""

    text: str
    kind: str  # heading | bullet | para
    line_no: int


def read_posting_text(path: Path) -> tuple[str, str]:
    """Return (text, format) or raise BadPostingFile with a one-line reason."""
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        allowed = ", ".join(sorted(set(SUPPORTED_SUFFIXES)))
        raise BadPostingFile(f"unsupported file type '{path.suffix or '(none)'}' (use {allowed})")
    size = path.stat().st_size
    if size == 0:
        raise BadPostingFile("the file is empty")
    if size > MAX_FILE_BYTES:
        raise BadPostingFile(f"the file is {size / 1024 / 1024:.1f} MB; postings are limited to 2 MB")
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise BadPostingFile("the file looks binary (it contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadPostingFile(f"the file is not valid UTF-8 text (byte {err.start})") from None
    if not text.strip():
        raise BadPostingFile("the file contains only whitespace")
    return text, fmt


def split_lines(text: str, fmt: str) -> list[RawLine]:
    """Split a document into non-empty lines, dropping markup but keeping headings and bullets."""
    if fmt == "html":
        return _html_lines(text)
    if fmt == "md":
        return _markdown_lines(text)
    return _plain_lines(text.splitlines())


def _plain_lines(lines: list[str], start: int = 1) -> list[RawLine]:
    result = []
    for number, line in enumerate(lines, start=start):
        text = _clean(line)
        if not text:
            continue
        bullet = _BULLET.match(text)
        if bullet:
            result.append(RawLine(_clean(text[bullet.end() :]), "bullet", number))
        else:
            result.append(RawLine(text, "para", number))
    return [line for line in result if line.text]


def _markdown_lines(text: str) -> list[RawLine]:
    result: list[RawLine] = []
    for number, line in enumerate(text.splitlines(), start=1):
        heading = _MD_HEADING.match(line)
        plain = _MD_LINK.sub(r"\1", _MD_NOISE.sub("", line))
        if heading:
            result.append(RawLine(_clean(_MD_NOISE.sub("", heading.group(2))), "heading", number))
        elif re.fullmatch(r"\s*([-*_]\s*){3,}", line) or re.fullmatch(r"\s*[=-]{3,}\s*", line):
            continue
        else:
            result.extend(_plain_lines([plain], start=number))
    return [line for line in result if line.text]


def _html_lines(text: str) -> list[RawLine]:
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(["header"]):
        if not tag.find(["h1", "h2"]):
            tag.decompose()
    body = soup.body or soup
    result: list[RawLine] = []
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for number, element in enumerate(body.find_all(_BLOCK_TAGS), start=1):
        if element.find(_BLOCK_TAGS):
            continue  # the innermost block carries the text; avoid counting it twice
        content = _clean(element.get_text(" ", strip=True))
        if not content:
            continue
        kind = "heading" if element.name.startswith("h") else "bullet" if element.name == "li" else "para"
        result.append(RawLine(content, kind, number))
    if title and not any(line.kind == "heading" for line in result[:1]):
        result.insert(0, RawLine(_clean(title), "heading", 0))
    return result


def _clean(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\t", " ")
    return re.sub(r"\s+", " ", text).strip()
