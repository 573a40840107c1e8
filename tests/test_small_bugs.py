"""Regression tests for small bugs found in review (issue 8, part 3): each failed before its fix."""

from __future__ import annotations

import subprocess
import sys

from bot.cli import print_answer
from bot.core.answers import Answer, AnswerEngine
from bot.core.citations import Citation
from bot.core.index import KnowledgeIndex

LIBRARY_DEBUG = """
from bot.logsetup import configure_logging
configure_logging(False)
import logging, bm25s  # bm25s sets its own logger to DEBUG at import
logging.getLogger("bm25s").debug("Building index from IDs objects")
logging.getLogger("bot.test").info("an info line nobody asked for")
logging.getLogger("bot.test").warning("a warning is shown")
"""


def test_library_debug_lines_never_reach_the_terminal() -> None:
    """bm25s's DEBUG logger used to print 'DEBUG bm25s: ...' into `prepbot chat`."""
    done = subprocess.run([sys.executable, "-c", LIBRARY_DEBUG], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "bm25s" not in done.stderr and "info line" not in done.stderr
    assert "a warning is shown" in done.stderr


def test_print_answer_shows_brackets_from_postings_as_text(capsys, seeded_index: KnowledgeIndex) -> None:
    """`prepbot ask` crashed with rich's MarkupError when an answer or a quote contained "[/]"."""
    posting = seeded_index.roles()[0]
    odd = "[/] and [bold]not bold[/bold] and [link=x]"
    citation = Citation(posting.role_id, posting.title, posting.company, "about", odd, posting.source, 1)
    answer = Answer(f"what about {odd}?", f"It says {odd} [1].", posting.role_id, [citation], "passage")
    print_answer(answer)
    printed = capsys.readouterr().out
    assert printed.count(odd) == 3  # question, answer text and quote, each verbatim


def test_cross_role_term_answer_names_only_the_roles_that_mention_it(answer_engine: AnswerEngine) -> None:
    """`_filter_by_term` reported every role as the answer's roles, not the ones that mention the term."""
    answer = answer_engine.answer("Which roles mention C++?")
    cited = {c.role_id for c in answer.citations}
    assert answer.kind == "cross-role" and cited
    assert set(answer.role_ids) == cited
    assert len(answer.role_ids) < len(answer_engine.index.roles())


def test_a_role_removed_between_search_and_answer_is_skipped(answer_engine: AnswerEngine, monkeypatch) -> None:
    """`posting.lines` was read before the `posting is None` check: a role gone mid-question crashed."""
    index = answer_engine.index
    question = "diffusion models for recommendation"
    first = answer_engine.answer(question)
    assert first.kind == "passage" and first.citations
    gone = first.citations[0].role_id
    real_role = index.role
    monkeypatch.setattr(index, "role", lambda role_id: None if role_id == gone else real_role(role_id))
    again = answer_engine.answer(question)
    assert gone not in {c.role_id for c in again.citations}
