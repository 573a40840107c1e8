"""The first, regex-based readers; kept while the library-based ones replace them."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from bot.core.postings.reading import RawLine, clean

_BULLET = re.compile(r"^\s*(?:[•●▪◦‣∙·*+\-–—]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_NOISE = re.compile(r"(\*\*|__|`|~~|!\[[^\]]*\]\([^)]*\))")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_DROP_TAGS = ("script", "style", "nav", "footer", "noscript", "svg", "form", "button", "iframe", "template")
_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "li", "p", "dt", "dd", "td", "th", "pre", "blockquote")


def plain_lines(lines: list[str], start: int = 1) -> list[RawLine]:
    result = []
    for number, line in enumerate(lines, start=start):
        text = clean(line)
        if not text:
            continue
        bullet = _BULLET.match(text)
        if bullet:
            result.append(RawLine(clean(text[bullet.end() :]), "bullet", number))
        else:
            result.append(RawLine(text, "para", number))
    return [line for line in result if line.text]


def markdown_lines(text: str) -> list[RawLine]:
    result: list[RawLine] = []
    for number, line in enumerate(text.splitlines(), start=1):
        heading = _MD_HEADING.match(line)
        plain = _MD_LINK.sub(r"\1", _MD_NOISE.sub("", line))
        if heading:
            result.append(RawLine(clean(_MD_NOISE.sub("", heading.group(2))), "heading", number))
        elif re.fullmatch(r"\s*([-*_]\s*){3,}", line) or re.fullmatch(r"\s*[=-]{3,}\s*", line):
            continue
        else:
            result.extend(plain_lines([plain], start=number))
    return [line for line in result if line.text]


def html_lines(text: str) -> list[RawLine]:
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
        content = clean(element.get_text(" ", strip=True))
        if not content:
            continue
        kind = "heading" if element.name.startswith("h") else "bullet" if element.name == "li" else "para"
        result.append(RawLine(content, kind, number))
    if title and not any(line.kind == "heading" for line in result[:1]):
        result.insert(0, RawLine(clean(title), "heading", 0))
    return result
