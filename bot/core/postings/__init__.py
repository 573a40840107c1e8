"""Job postings: parse txt/md/html files into structured `Posting`s."""

from bot.core.postings.model import SECTION_TITLES, SECTIONS, Pay, Posting, PostingLine
from bot.core.postings.parse import fragment_lines, load_posting, make_role_id, parse_posting

__all__ = [
    "SECTIONS",
    "SECTION_TITLES",
    "Pay",
    "Posting",
    "PostingLine",
    "fragment_lines",
    "load_posting",
    "make_role_id",
    "parse_posting",
]
