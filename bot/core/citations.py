"""Citations: the posting line that backs a sentence of an answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from bot.core.postings import SECTION_TITLES, Posting, PostingLine


@dataclass(frozen=True)
class Citation:
    role_id: str
    title: str
    company: str | None
    section: str
    quote: str
    source: str
    line: int
    source_name: str = ""  # the posting's readable name (its page title, or title — company)

    def to_dict(self) -> dict[str, str | int | None]:
        return asdict(self) | {"section": SECTION_TITLES.get(self.section, self.section)}


def cite(posting: Posting, line: PostingLine) -> Citation:
    return Citation(
        posting.role_id, posting.display_name, posting.company, line.section, line.text, posting.source, line.line_no,
        posting.source_name,
    )


class CitationList:
    """Numbers citations in order of first use, so '[2]' always points at the same quote."""

    def __init__(self) -> None:
        self.items: list[Citation] = []
        self._numbers: dict[tuple[str, str], int] = {}

    def mark(self, posting: Posting, line: PostingLine) -> str:
        key = (posting.role_id, line.text)
        if key not in self._numbers:
            self.items.append(cite(posting, line))
            self._numbers[key] = len(self.items)
        return f"[{self._numbers[key]}]"

    def marks(self, posting: Posting, lines: list[PostingLine]) -> str:
        return "".join(dict.fromkeys(self.mark(posting, line) for line in lines))
