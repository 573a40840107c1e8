"""Plain text to lines: every common bullet marker, and postings flattened into one line.

A posting pasted through a Discord slash-command option loses its newlines; we split it back at
the marks a posting keeps even then: runs of bullet markers, `Label:` runs after a sentence, and
ALL-CAPS heading runs.
"""

from __future__ import annotations

import re

from bot.core.postings.formats.raw import RawLine, bullet_split, clean  # noqa: F401  (bullet_split: re-exported)

# Markers that are bullets wherever they stand; the others (- – * ·) also join words and names.
_SURE_MARKERS = "•●▪■◦‣○◆►▸▶→➔➜➤✓✔✅"
_UNSURE_MARKERS = "-–*·"
FLAT_LINE_CHARS = 200  # a single line longer than this, in a text of at most three lines, lost its newlines
# "… | Tessellate Motion Tessellate Motion builds robots": a title line ending in the company's name,
# then a first sentence starting with it. The line break was between the two copies.
_REPEATED_NAME = re.compile(r"\b((?:[A-Z][\w&'’.-]*\s+){0,3}[A-Z][\w&'’.-]*)\s+(\1\b)")
_BOLD_RUN = re.compile(r"\*\*[^*\s][^*]*\*\*|__[^_\s][^_]*__")
# In a flattened '## The team We own ...', the heading ends before a capitalised word that follows
# a lower-case one (a sentence starting), within the first eight words.
_HEADING_END = re.compile(r"^(#+\s+(?:\S+\s+){0,6}?[a-z][\w'’-]*)\s+(?=[A-Z][a-z])")
_ATX = re.compile(r"^(#{1,6})\s+(.+?)(?:\s+#+)?$")  # '## Requirements' in text that was markdown
LABEL_WORDS = 3
_WORD = re.compile(r"^(?:\*\*|__)?[A-Za-z][\w'’&/-]*$")
_CAPS_RUN = re.compile(r"(?<![\w'’&/-])(?:[A-Z][A-Z&'’/-]+\s+){1,6}[A-Z][A-Z&'’/-]+(?![\w'’&/-])")


def plain_lines(text: str) -> list[RawLine]:
    """Non-empty lines, each a bullet or a paragraph; one-line pastes are split back first."""
    raw = text.splitlines()
    if _looks_flattened(raw):
        raw = [piece for line in raw for piece in unflatten(line)]
    if _looks_like_markdown(raw):  # markdown pasted as text: read it as markdown
        from bot.core.postings.formats.markdown import markdown_lines

        return markdown_lines("\n".join(raw))
    return lines_from(raw)


def _looks_like_markdown(raw: list[str]) -> bool:
    """At least two lines with markdown's own marks: ATX headings or **bold** runs."""
    return sum(1 for line in raw if _ATX.match(line.strip()) or _BOLD_RUN.search(line)) >= 2


def lines_from(raw: list[str], start: int = 1) -> list[RawLine]:
    result = []
    for number, line in enumerate(raw, start=start):
        text = clean(line)
        if not text:
            continue
        heading = _ATX.match(text)
        if heading:
            result.append(RawLine(clean(heading.group(2)), "heading", number, len(heading.group(1))))
            continue
        marker, rest = bullet_split(text)
        result.append(RawLine(rest, "bullet", number) if marker else RawLine(text, "para", number))
    return result


def _looks_flattened(raw: list[str]) -> bool:
    filled = [line for line in raw if line.strip()]
    return bool(filled) and len(filled) <= 3 and max(len(line) for line in filled) > FLAT_LINE_CHARS


def unflatten(line: str) -> list[str]:
    """Split one long line back into the lines it was made of, where the marks allow."""
    pieces = []
    for index, piece in enumerate(_split_at_bullets(line)):
        if index == 0 or piece.startswith("#"):  # the title line, and markdown headings
            piece = _REPEATED_NAME.sub(r"\1\n\2", piece, count=1)
        if piece.startswith("#"):
            piece = _HEADING_END.sub(r"\1\n", piece, count=1)
        pieces += piece.split("\n")
    out: list[str] = []
    for piece in pieces:
        for part in _split_caps(piece):
            out.extend(_split_labels(part))
    return _merge_markers([clean(piece) for piece in out if clean(piece)])


def _split_labels(text: str) -> list[str]:
    """'... per hour Duration: twelve weeks' -> a new line at each `Label:` (up to three words,
    capitalised like a label: 'Start date', 'Start Date' or 'START DATE')."""
    cuts = []
    for colon in re.finditer(r":(?:\*\*|__)?(?=\s|$)", text):
        words = list(re.finditer(r"[^\s:]+", text[: colon.start()]))[-LABEL_WORDS:]
        start = None
        for k in range(len(words)):
            label = [w.group(0) for w in words[k:]]
            if any(word.startswith(("**", "__")) for word in label[1:]):
                continue  # '**' opens the label: it starts there
            if _label_shaped(label):
                start = words[k].start()
                break
        if start and len(text[cuts[-1] if cuts else 0 : start].strip()) > 2:
            cuts.append(start)
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def _label_shaped(words: list[str]) -> bool:
    words = [word.lstrip("*_") for word in words]
    if not words[0][:1].isupper() or not all(_WORD.match(word) for word in words):
        return False
    if words[0].isupper() and len(words[0]) > 1:
        return all(word.isupper() for word in words)
    return not any(word.isupper() and len(word) > 1 for word in words[1:])


def _merge_markers(pieces: list[str]) -> list[str]:
    """A piece with no letter or digit (a stray dash or full stop) belongs to its neighbour."""
    out: list[str] = []
    for piece in pieces:
        if out and not re.search(r"\w", piece):
            out[-1] = f"{out[-1]} {piece}" if piece not in ".,;:!?" else out[-1] + piece
        else:
            out.append(piece)
    return out


def _split_caps(text: str) -> list[str]:
    """An ALL-CAPS run of two or more words is a heading: it gets its own line."""
    out, last = [], 0
    for match in _CAPS_RUN.finditer(text):
        if re.match(r"\s*[:.,;!?)]", text[match.end() :]):
            continue  # a `LABEL:` or the end of a shouted sentence, not a heading
        out += [text[last : match.start()], match.group(0)]
        last = match.end()
    return out + [text[last:]]


def _split_at_bullets(line: str) -> list[str]:
    """Split before every marker that recurs as a bullet; the text before a run's first bullet
    that follows the last sentence is that run's heading."""
    markers = [re.escape(m) for m in _SURE_MARKERS if line.count(f" {m} ") >= 2]
    markers += [re.escape(m) for m in _UNSURE_MARKERS if line.count(f" {m} ") >= 3]
    if len(re.findall(r"\so\s(?=[A-Z$€£\d])", line)) >= 3:
        markers.append(r"o(?=\s[A-Z$€£\d])")  # Word's "o" bullets, seen when there are several
    if len(re.findall(r"\s\d{1,2}[.)]\s(?=[A-Z])", line)) >= 3:
        markers.append(r"\d{1,2}[.)](?=\s[A-Z])")  # a numbered list
    if re.search(r"\s#{1,6}\s", line):
        markers.append(r"#{1,6}")  # markdown headings
    if not markers:
        return [line]
    alternatives = "|".join(markers)
    pattern = re.compile(rf"\s+(?=(?:{alternatives})\s)")
    pieces = pattern.split(line)
    out: list[str] = []
    for piece in pieces:
        out.extend(_heading_before_next(piece))
    return out


def _heading_before_next(piece: str) -> list[str]:
    """'• Write SQL. Preferred qualifications' or '• Write SQL Nice to have:' -> the item, then the
    heading of the next run (a short run after a sentence end, or any run ending in ':')."""
    match = re.search(r"(?<=[.!?])\s+((?:\S+\s+){0,4}\S+?:?)$", piece)
    if not (match and match.group(1)[:1].isupper()):
        match = re.search(r"\s([A-Z][\w'’-]*(?:\s+[\w'’-]+){0,3}:)$", piece)
    if match and match.start(1) > 20:
        return [piece[: match.start(1)], match.group(1)]
    return [piece]
