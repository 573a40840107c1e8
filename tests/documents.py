"""Build test documents in code: PDFs with and without a text layer, and DOCX files.

The PDF writer is hand-rolled (a few objects, a Helvetica font and one content stream per page)
so tests need no PDF-making library and every byte is under the test's control.
"""

from __future__ import annotations

import io


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A PDF whose pages show `pages` lines in 11 pt Helvetica ('# ' lines: 16 pt Helvetica-Bold,
    '** ' lines: 11 pt bold); an empty line list draws a filled rectangle only (a page with no
    text operators, like a scanned image)."""
    objects: list[bytes] = []
    page_ids = []
    font_id, bold_id = 3, 4
    next_id = 5
    body: list[tuple[int, bytes]] = []
    for lines in pages:
        if lines:
            ops = ["BT", "18 TL", "72 740 Td"]
            for line in lines:
                font, text = ("/F2 16", line[2:]) if line.startswith("# ") else ("/F1 11", line)
                font, text = ("/F2 11", line[3:]) if line.startswith("** ") else (font, text)
                ops.append(f"{font} Tf ({_escape(text)}) Tj T*")
            ops.append("ET")
        else:
            ops = ["0.5 g", "72 72 468 648 re f"]
        stream = "\n".join(ops).encode("cp1252")  # WinAnsiEncoding, so • and – work
        content_id, page_id = next_id, next_id + 1
        next_id += 2
        body.append((content_id, b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"))
        body.append(
            (
                page_id,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
                % (font_id, bold_id, content_id),
            )
        )
        page_ids.append(page_id)
    kids = " ".join(f"{pid} 0 R" for pid in page_ids).encode()
    objects = [
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(page_ids)),
        (font_id, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
        (bold_id, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"),
        *body,
    ]
    info_id = None
    if title:
        info_id = next_id
        encoded = b"<FEFF" + title.encode("utf-16-be").hex().upper().encode() + b">"  # any characters
        objects.append((info_id, b"<< /Title " + encoded + b" >>"))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, content in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + content + b"\nendobj\n")
    xref = out.tell()
    size = max(offsets) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number])
    info = b" /Info %d 0 R" % info_id if info_id else b""
    out.write(b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (size, info, xref))
    return out.getvalue()


def make_docx(blocks: list[tuple[str, str]], title: str | None = None) -> bytes:
    """A .docx from (kind, text) blocks: kind is h1/h2/h3, bullet, para, bold or table (text:
    rows split by '\\n', cells by '|')."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    for kind, text in blocks:
        if kind.startswith("h"):
            document.add_heading(text, level=int(kind[1]))
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        elif kind == "bold":
            document.add_paragraph().add_run(text).bold = True
        elif kind == "table":
            rows = [row.split("|") for row in text.split("\n")]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
