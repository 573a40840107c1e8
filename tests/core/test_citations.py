"""Citations (bot/core/citations.py): what a citation quotes and how answers number them."""

from __future__ import annotations

from bot.core.citations import CitationList, cite
from bot.core.postings import Posting, PostingLine

PAY = PostingLine("$45-$55 per hour.", "logistics", 31, "bullet", "Compensation")
DUTY = PostingLine("Train ranking models in PyTorch.", "responsibilities", 7, "bullet", "What you'll do")


def _posting(role_id: str, company: str | None = "Acme") -> Posting:
    return Posting(role_id=role_id, title="ML Engineer", company=company, source=f"{role_id}.md", lines=[PAY, DUTY],
                   level="PhD")


def test_a_citation_quotes_the_line_and_says_where_it_is() -> None:
    """The quote is the line's own text, with the role, its display name, company, file and line number."""
    citation = cite(_posting("acme-ml"), DUTY)
    assert (citation.role_id, citation.title, citation.company) == ("acme-ml", "ML Engineer (PhD)", "Acme")
    assert (citation.quote, citation.source, citation.line) == (DUTY.text, "acme-ml.md", 7)


def test_to_dict_names_the_section_for_people() -> None:
    """`--json` shows "Responsibilities", not the internal section id; an unknown id is kept as is."""
    assert cite(_posting("acme-ml"), DUTY).to_dict()["section"] == "Responsibilities"
    odd = PostingLine("Visa sponsorship available.", "immigration", 40)
    assert cite(_posting("acme-ml"), odd).to_dict()["section"] == "immigration"


def test_numbers_follow_first_use_and_repeat_for_the_same_line() -> None:
    """The first line cited is [1]; citing it again gives [1] again, not a new number."""
    citations = CitationList()
    posting = _posting("acme-ml")
    assert citations.mark(posting, DUTY) == "[1]"
    assert citations.mark(posting, PAY) == "[2]"
    assert citations.mark(posting, DUTY) == "[1]"
    assert [c.quote for c in citations.items] == [DUTY.text, PAY.text]


def test_the_same_text_in_two_roles_is_two_citations() -> None:
    """Two postings with an identical line are cited separately: the reader must know which role says it."""
    citations = CitationList()
    assert citations.mark(_posting("acme-ml"), PAY) == "[1]"
    assert citations.mark(_posting("globex-ml", "Globex"), PAY) == "[2]"
    assert [c.role_id for c in citations.items] == ["acme-ml", "globex-ml"]


def test_marks_for_several_lines_are_joined_without_repeats() -> None:
    """Backing one sentence with lines [1] and [2] (one of them twice) reads "[1][2]"."""
    citations = CitationList()
    assert citations.marks(_posting("acme-ml"), [DUTY, PAY, DUTY]) == "[1][2]"
