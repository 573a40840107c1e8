"""HTML pages to lines: walk the DOM keeping block structure, after pruning the site's chrome.

Why not hand the page to a general article extractor: on careers pages they drop exactly the
short lines a posting's facts live on (measured with trafilatura on the dev corpus: the
`City · Mode · Type` meta line, Lever-style category tags, `<br>`-separated bold headings and the
Greenhouse header with title, company and location were lost; benchmarks/bench_reading.py). So we
prune what pages mark as chrome (chrome.py: tags, ARIA roles, class words; here: link-only lists,
buttons, breadcrumbs) and keep every other block: div, p, br, li, table rows, dt/dd pairs, headings.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache

from bot.core.errors import BadPostingFile
from bot.core.postings.formats.chrome import prune
from bot.core.postings.formats.raw import RawLine, bullet_split, clean
from bot.core.postings.formats.tables import table_lines

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details div dl dt fieldset figcaption figure footer "
    "header hr li main ol p pre section summary table tbody td tfoot th thead tr ul html".split()
) | set(HEADINGS)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.I)
VALUE_TAGS = {"span", "a", "time", "small", "label", "abbr", "data"}  # not b/i/em/code: those sit inside prose
_JAMMED = re.compile(r"[A-Za-z)\]]\|[A-Z0-9]$")
_CRUMB = re.compile(r"\s+[›»>/|]\s+|\s*[›»]\s*")


@cache
def _parser():
    """libxml2's default depth limit (256) silently cuts deeply nested pages; lift it."""
    import lxml.html

    return lxml.html.HTMLParser(huge_tree=True)


@dataclass
class _Line:
    text: str
    kind: str
    level: int = 0
    bold: bool = False
    link_share: float = 0.0


@dataclass
class _Ctx:
    kind: str = "para"
    level: int = 0
    bold: bool = False
    link: bool = False


@dataclass
class _Walker:
    """Collects inline text into lines; every block boundary and <br> ends a line."""

    lines: list[_Line] = field(default_factory=list)
    parts: list[tuple[str, _Ctx]] = field(default_factory=list)
    # (tag, newline between) of the inline element that just closed with no text after it
    after_inline: tuple[str, bool] | None = None

    def add(self, text: str | None, ctx: _Ctx) -> None:
        if text:
            self.parts.append((text, ctx))
            if text.strip():
                self.after_inline = None

    def separate(self, tag: str, text: str | None, ctx: _Ctx) -> None:
        """`<span>Remote (US)</span><span>Internship</span>` (or the two on separate source lines):
        value tags that CSS sets apart are separate values, not one run of words."""
        if self.after_inline is None or not self.parts or not text or not text.strip():
            return
        raw = "".join(part for part, _ in self.parts)
        before = raw.rstrip()
        previous, newline = self.after_inline
        if not before or before[-1] in "·|,;:/-–—•":
            return
        jammed = raw == before and _JAMMED.search(before[-1] + "|" + text[:1])  # no space on either side
        if jammed or (newline and previous in VALUE_TAGS and tag in VALUE_TAGS):
            self.parts.append((" · ", ctx))

    def flush(self) -> None:
        self.after_inline = None
        if not self.parts:
            return
        text = clean("".join(part for part, _ in self.parts))
        if text:
            first = self.parts[0][1]
            sized = [(len(part.strip()), ctx) for part, ctx in self.parts]
            total = sum(size for size, _ in sized) or 1
            bold = sum(size for size, ctx in sized if ctx.bold) / total >= 0.95
            link = sum(size for size, ctx in sized if ctx.link) / total
            self.lines.append(_Line(text, first.kind, first.level, bold, link))
        self.parts = []

    def emit(self, text: str, kind: str = "para", level: int = 0, bold: bool = False) -> None:
        self.flush()
        if clean(text):
            self.lines.append(_Line(clean(text), kind, level, bold))


def html_document(
    text: str, read_text: Callable[[str], list[RawLine]] | None = None
) -> tuple[list[RawLine], str | None, dict | None]:
    """The page's lines, its <title> and its schema.org JobPosting (JSON-LD), if any. `read_text`
    reads a plain-text JSON-LD description (the plain reader, passed in by bot.core.postings.reading:
    plain text may be markdown, whose HTML blocks come back here); without it the description is
    read only when it is HTML."""
    import lxml.html

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    text = re.sub(r"</(?:body|html)\s*>", " ", text, flags=re.I)  # as browsers do, text after them is body
    try:
        root = lxml.html.document_fromstring(text, parser=_parser())
    except Exception:  # lxml raises ParserError (and others) on pages with no elements at all
        return [], None, None
    structured = None
    if "ld+json" in text:
        from bot.core.postings.formats.jsonld import job_posting

        structured = job_posting(root)
    title_el = root.find(".//title")
    title = clean(title_el.text_content()) if title_el is not None else ""
    body = root.find("body")
    body = body if body is not None else root
    walker = _Walker()
    try:
        prune(body)
        _walk(body, _Ctx(), walker)
    except RecursionError:
        raise BadPostingFile("the page is nested too deeply to read") from None
    walker.flush()
    lines = _finish(walker.lines)
    if structured:
        lines = _with_structured_description(lines, structured, read_text)
    return lines, title or None, structured


def _with_structured_description(
    lines: list[RawLine], posting: dict, read_text: Callable[[str], list[RawLine]] | None
) -> list[RawLine]:
    """Pages rendered in the browser (single-page apps) arrive almost empty, but their JSON-LD
    JobPosting often carries the whole description: read it when it says much more than the page."""
    description = posting.get("description")
    if not isinstance(description, str) or not description.strip():
        return lines
    text = html.unescape(description) if "&lt;" in description else description
    if re.search(r"<(p|div|li|br|ul|h\d)\b", text, re.I):
        found = html_document(f"<html><body>{text}</body></html>")[0]
    elif read_text is not None:
        found = read_text(text)
    else:
        return lines
    page_words = sum(len(line.text.split()) for line in lines)
    if sum(len(line.text.split()) for line in found) <= max(40, 2 * page_words):
        return lines
    return [replace(line, line_no=number) for number, line in enumerate(lines + found, start=1)]


# ----- walking ------------------------------------------------------------------------------------
def _walk(element, ctx: _Ctx, out: _Walker) -> None:
    """Emit the element's text; the caller emits its tail in the parent's context."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag == "br":
        out.flush()
        return
    if tag == "table" and _walk_table(element, out):
        return
    if tag == "dl" and _walk_definitions(element, out):
        return
    if tag in {"ul", "ol"} and _is_link_list(element):
        return
    if tag in BLOCKS:
        out.flush()
        pair = _label_value(element)
        if pair:
            out.emit(f"{pair[0]}: {pair[1]}" if not pair[0].endswith(":") else f"{pair[0]} {pair[1]}")
            return
        if tag == "pre":
            for line in element.text_content().splitlines():
                out.emit(line, ctx.kind)
            return
    ctx = _child_ctx(element, tag, ctx)
    if tag not in BLOCKS:
        out.separate(tag, element.text, ctx)
    out.add(element.text, ctx)
    for child in element:
        _walk(child, ctx, out)
        out.add(child.tail, ctx)
        child_tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if child_tag and child_tag not in BLOCKS and not (child.tail or "").strip():
            out.after_inline = (child_tag, "\n" in (child.tail or ""))
    if tag in BLOCKS:
        out.flush()


def _child_ctx(element, tag: str, ctx: _Ctx) -> _Ctx:
    if tag in HEADINGS:
        return _Ctx("heading", HEADINGS[tag], ctx.bold, ctx.link)
    if tag == "li":
        return _Ctx("bullet", 0, ctx.bold, ctx.link)
    bold = ctx.bold or tag in {"b", "strong"} or bool(_BOLD_STYLE.search(element.get("style", "")))
    link = ctx.link or (tag == "a" and element.get("href") is not None)
    return _Ctx(ctx.kind, ctx.level, bold, link) if (bold, link) != (ctx.bold, ctx.link) else ctx


def _text(element) -> str:
    """An element's text with <br> and blocks as spaces (for cells, labels and values)."""
    return clean(" ".join(element.itertext()))


def _label_value(element) -> tuple[str, str] | None:
    """`<div><h2>Location</h2><p>London, UK</p></div>`: a labelled value, read as one line."""
    children = [child for child in element if isinstance(child.tag, str)]
    if len(children) != 2 or clean(element.text or "") or any(clean(c.tail or "") for c in children):
        return None
    label, value = children
    label_text, value_text = _text(label), _text(value)
    is_label = label.tag in HEADINGS or label.tag in {"dt", "th", "label", "b", "strong"}
    if not is_label or not label_text or not value_text or any(d.tag in BLOCKS for d in value.iterdescendants()):
        return None
    if len(label_text.split()) > 4 or label_text.endswith(".") or len(value_text.split()) > 12:
        return None
    return label_text, value_text


def _is_link_list(element) -> bool:
    """A list whose every item is mostly a link is a menu or a 'similar jobs' list."""
    items = [child for child in element if child.tag == "li"]
    if len(items) < 2:
        return False
    for item in items:
        total = len(_text(item)) or 1
        linked = sum(len(_text(a)) for a in item.iter("a"))
        if linked / total < 0.5:
            return False
    return True


def _walk_definitions(element, out: _Walker) -> bool:
    """dt/dd pairs become `term: definition` lines; long definitions are walked as blocks."""
    out.flush()
    term = ""
    for child in element:
        if child.tag == "dt":
            if term:
                out.emit(term, bold=True)
            term = _text(child)
        elif child.tag == "dd":
            value = _text(child)
            if term and len(value.split()) <= 25:
                out.emit(f"{term}: {value}")
            else:
                if term:
                    out.emit(term, bold=True)
                _walk(child, _Ctx(), out)
            term = ""
    if term:
        out.emit(term, bold=True)
    out.flush()
    return True


def _walk_table(table, out: _Walker) -> bool:
    """Tables of records become one line per row; tables of parallel lists are read by column."""
    rows = [row for row in table.iter("tr") if _owning_table(row) is table]
    cells = [[cell for cell in row if cell.tag in {"td", "th"}] for row in rows]
    if not rows or any(cell.find(".//table") is not None or cell.find(".//p") is not None for r in cells for cell in r):
        return False  # a layout table: walk its cells as ordinary blocks
    out.flush()
    texts = [[_text(cell) for cell in row] for row in cells]
    has_header = bool(cells[0]) and all(cell.tag == "th" for cell in cells[0]) and len(texts) > 1
    for text, kind in table_lines(texts[0] if has_header else None, texts[1:] if has_header else texts):
        out.emit(text, kind, bold=kind == "heading")
    return True


def _owning_table(row):
    parent = row.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


# ----- finishing ----------------------------------------------------------------------------------
def _finish(lines: list[_Line]) -> list[RawLine]:
    kept = [line for line in lines if not _is_menu_line(line)]
    started = next((i for i, line in enumerate(kept) if line.kind != "heading"), len(kept))
    kept = [line for i, line in enumerate(kept) if i < started or not _is_orphan_heading(kept, i)]
    result = []
    for number, line in enumerate(kept, start=1):
        kind, text = line.kind, line.text
        if kind == "para":
            marker, rest = bullet_split(text)
            if marker:
                kind, text = "bullet", rest
        result.append(RawLine(text, kind, number, line.level if kind == "heading" else 0, line.bold))
    return result


def _is_menu_line(line: _Line) -> bool:
    """Breadcrumbs: short segments between › » / | with links, not a heading. (Action links and
    menus went in chrome.py and _is_link_list; a line that is only a link, such as a company
    name linking to its page, stays.)"""
    if line.kind == "heading":
        return False
    segments = _CRUMB.split(line.text)
    return line.link_share > 0 and len(segments) >= 2 and all(len(s.split()) <= 4 for s in segments)


def _is_orphan_heading(lines: list[_Line], index: int) -> bool:
    """A markup heading left with nothing under it (its list or form was chrome).

    Only after the posting has started: a title heading straight above the first section heading
    of the same level is not an orphan.
    """
    line = lines[index]
    if line.kind != "heading" or not line.level:
        return False
    following = lines[index + 1] if index + 1 < len(lines) else None
    return following is None or (following.kind == "heading" and 0 < following.level <= line.level)
