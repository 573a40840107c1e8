"""Word (.docx) to lines through python-docx: heading styles keep their level, list paragraphs
are bullets, tables read like HTML tables, and body order is kept (paragraphs and tables)."""

from __future__ import annotations

import io
import re
import zipfile

from bot.core.errors import BadPostingFile
from bot.core.postings.formats.raw import RawLine, bullet_split, clean
from bot.core.postings.formats.tables import reads_by_column, table_lines

_HEADING_STYLE = re.compile(r"^(?:heading\s*(\d)|title)$", re.I)


def docx_lines(data: bytes) -> tuple[list[RawLine], str | None]:
    """(RawLines, core-properties title) of a .docx file."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise BadPostingFile(f"the DOCX file cannot be read ({type(error).__name__}: not a Word document?)") from None
    lines: list[RawLine] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines += _paragraph_lines(Paragraph(block, document), len(lines) + 1)
        elif tag == "tbl":
            rows = [[clean(cell.text) for cell in row.cells] for row in Table(block, document).rows]
            rows = [list(dict.fromkeys(row)) for row in rows]  # merged cells repeat their text
            by_column = len(rows) > 1 and reads_by_column(rows[0], rows[1:])  # Word marks no header row
            for text, kind in table_lines(rows[0], rows[1:]) if by_column else table_lines(None, rows):
                lines.append(RawLine(text, kind, len(lines) + 1, 0, kind == "heading"))
    if not lines:
        raise BadPostingFile("the DOCX file contains no text")
    title = document.core_properties.title
    return lines, (title.strip() or None) if title else None


def _paragraph_lines(paragraph, number: int) -> list[RawLine]:
    style = paragraph.style.name if paragraph.style is not None else ""
    heading = _HEADING_STYLE.match(style or "")
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    is_list = numbered or "list" in (style or "").lower()
    runs = [(run.text, bool(run.bold)) for run in paragraph.runs]
    size = sum(len(text.strip()) for text, _ in runs) or 1
    bold = sum(len(text.strip()) for text, is_bold in runs if is_bold) >= 0.95 * size
    out = []
    for offset, piece in enumerate(paragraph.text.splitlines()):
        text = clean(piece)
        if not text:
            continue
        kind, level = "para", 0
        if heading:
            kind, level = "heading", int(heading.group(1) or 1)
        elif is_list:
            kind = "bullet"
        else:
            marker, rest = bullet_split(text)
            if marker:
                kind, text = "bullet", rest
        out.append(RawLine(text, kind, number + offset, level, bold))
    return out
