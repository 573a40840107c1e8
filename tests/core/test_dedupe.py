"""Duplicate detection by shingle containment (bot/core/dedupe.py), without the model or Chroma."""

from __future__ import annotations

from bot.core.dedupe import DUPLICATE_CONTAINMENT, SHINGLE, ShingleIndex, shingles

POSTING = [
    "Machine Learning Engineer, Search Ranking",
    "You will build the retrieval and ranking models that serve millions of shoppers every day.",
    "Design offline relevance evaluation with human judgments and online interleaving experiments.",
    "Experience with Elasticsearch or Lucene and with learning-to-rank models such as LambdaMART.",
    "Proficient in Java or Python; C++ is a plus.",
]
OTHER = [
    "Data Scientist, Growth",
    "Own the experimentation platform and define the metrics for every product launch.",
    "Strong SQL and statistics; experience with causal inference and A/B testing at scale.",
]


def _index(**roles: list[str]) -> ShingleIndex:
    index = ShingleIndex()
    for role_id, lines in roles.items():
        index.add(role_id, shingles(lines))
    return index


def test_formatting_does_not_change_the_shingles() -> None:
    """Bullets, case, punctuation and line breaks are normalised away: the same words give the same set."""
    reformatted = ["- " + line.upper().replace(",", " ;") for line in POSTING]
    assert shingles(reformatted) == shingles(POSTING)
    assert shingles([" ".join(POSTING)]) == shingles(POSTING)


def test_a_truncated_copy_is_contained_in_the_full_posting() -> None:
    """The first three lines of a posting are wholly inside it, so its container is that posting."""
    role_id, share = _index(search=POSTING, growth=OTHER).container(shingles(POSTING[:3]), exclude=set())
    assert role_id == "search"
    assert share >= DUPLICATE_CONTAINMENT


def test_a_different_posting_is_not_a_duplicate() -> None:
    """A posting sharing no 5-word phrase with any kept role has no container."""
    role_id, share = _index(search=POSTING).container(shingles(OTHER), exclude=set())
    assert role_id is None and share == 0.0


def test_containment_is_asymmetric() -> None:
    """The full posting is only partly inside its fragment: containment, not similarity."""
    _, share = _index(fragment=POSTING[:2]).container(shingles(POSTING), exclude=set())
    assert 0.0 < share < DUPLICATE_CONTAINMENT


def test_excluded_and_removed_roles_are_not_containers() -> None:
    """A role in `exclude`, or removed from the index, is never reported (re-ingesting a role must not
    find itself)."""
    index = _index(search=POSTING)
    assert index.container(shingles(POSTING), exclude={"search"}) == (None, 0.0)
    index.remove("search")
    assert index.container(shingles(POSTING), exclude=set()) == (None, 0.0)


def test_re_adding_a_role_replaces_its_old_shingles() -> None:
    """After a role's text changes, its old phrases no longer point at it."""
    index = _index(role=POSTING)
    index.add("role", shingles(OTHER))
    assert index.container(shingles(POSTING), exclude=set()) == (None, 0.0)
    assert index.container(shingles(OTHER), exclude=set())[0] == "role"


def test_short_and_empty_texts() -> None:
    """Fewer words than a shingle make one shingle of all of them; no words make none."""
    assert len(shingles(["Senior ML engineer"])) == 1
    assert shingles(["Senior ML engineer"]) == shingles(["senior   ml   ENGINEER!"])
    assert shingles(["", "  - "]) == frozenset()
    assert len(shingles([" ".join(["word"] * SHINGLE)])) == 1  # five identical words: one distinct 5-gram
