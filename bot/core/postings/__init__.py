"""Job postings: parse txt/md/html files into structured `Posting`s."""

from bot.core.postings.model import (
    ANNUALISE_ASSUMPTION,
    SECTION_TITLES,
    SECTIONS,
    Pay,
    Posting,
    PostingLine,
    compare_pay,
)
from bot.core.postings.parse import fragment_lines, load_posting, make_role_id, parse_document, parse_posting

__all__ = [
    "ANNUALISE_ASSUMPTION",
    "SECTIONS",
    "SECTION_TITLES",
    "Pay",
    "Posting",
    "PostingLine",
    "compare_pay",
    "fragment_lines",
    "load_posting",
    "make_role_id",
    "parse_document",
    "parse_posting",
]
