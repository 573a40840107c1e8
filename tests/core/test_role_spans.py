"""Role names cut out of a question with the one tokenizer (bot/core/text.py): a possessive goes
with the name, and a title that joins two names with "/" ("Content Understanding/Multimodal
Recommendation") is found by either of them. The bundled postings are the roles; no model runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.errors import BadPostingFile
from bot.core.postings import load_posting
from bot.core.text import remove_spans
from bot.core.understanding import RoleCatalogue, resolve_refs

POSTINGS = Path(__file__).resolve().parents[2] / "knowledge" / "postings"


@pytest.fixture(scope="module")
def catalogue() -> RoleCatalogue:
    roles = []
    for path in sorted(POSTINGS.glob("*.txt")):
        try:
            roles.append(load_posting(path))
        except BadPostingFile:  # the bundled sample that is not a posting (tested where postings are read)
            continue
    return RoleCatalogue(roles)


def _rest(catalogue: RoleCatalogue, question: str) -> tuple[list[str], str]:
    refs = resolve_refs(catalogue, question)
    return [role.title for role in refs.roles], remove_spans(question, refs.spans)


def test_one_side_of_a_slash_joined_title_names_the_role(catalogue: RoleCatalogue) -> None:
    """ "Multimodal" stands only after a "/" in one bundled title; it still names that role."""
    titles, rest = _rest(catalogue, "What does the Multimodal Recommendation intern's team do?")
    assert len(titles) == 1 and "Understanding/Multimodal" in titles[0]
    assert rest == "What does the team do?"  # the possessive "'s" left with the name


def test_a_possessive_company_name_is_cut_whole(catalogue: RoleCatalogue) -> None:
    titles, rest = _rest(catalogue, "what is TikTok's multimodal role paying?")
    assert len(titles) == 1 and "Multimodal" in titles[0]
    assert "'s" not in rest and "tiktok" not in rest.lower() and "paying" in rest


def test_names_joined_by_a_slash_go_with_their_slash(catalogue: RoleCatalogue) -> None:
    """ "PhD/e-commerce": both halves name the role, and the "/" between them is not left behind."""
    titles, rest = _rest(catalogue, "Is the PhD/e-commerce one remote?")
    assert len(titles) == 1 and "E-Commerce" in titles[0]
    assert rest == "Is the remote?"
