"""How a table reads as lines, for HTML and markdown tables alike."""

from __future__ import annotations

LABEL_WORDS = 5  # a first cell this short labels its row: "Start date | June 8, 2026"
LONG_CELL_WORDS = 5  # columns whose cells average this many words are lists, not fields


def table_lines(header: list[str] | None, body: list[list[str]]) -> list[tuple[str, str]]:
    """(text, kind) lines. A table of records reads one line per row ("Label: value" for two
    cells); a table whose columns are parallel lists ("Required | Preferred") reads column by
    column, each header a heading over its cells as bullets."""
    header = header if header and any(header) else None
    if header and reads_by_column(header, body):
        lines = []
        for col, name in enumerate(header):
            lines.append((name, "heading"))
            lines += [(row[col], "bullet") for row in body if col < len(row) and row[col]]
        return lines
    lines = []
    for row in body:
        filled = [text for text in row if text]
        if len(filled) == 2 and len(filled[0].split()) <= LABEL_WORDS:
            label = filled[0] if filled[0].endswith(":") else f"{filled[0]}:"
            lines.append((f"{label} {filled[1]}", "para"))
        elif filled:
            lines.append((" | ".join(filled), "para"))
    return lines


def reads_by_column(header: list[str], body: list[list[str]]) -> bool:
    """Every column holds sentences: the header names parallel lists."""
    return len(header) > 1 and all(_long_column(body, col) for col in range(len(header)))


def _long_column(rows: list[list[str]], col: int) -> bool:
    values = [row[col] for row in rows if col < len(row) and row[col]]
    return bool(values) and sum(len(v.split()) for v in values) / len(values) >= LONG_CELL_WORDS
