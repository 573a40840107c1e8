"""The question bank's key terms (knowledge/questions/*.yaml `key_terms`): every key point has them,
they parse, and each key point's own sentence is credited by its own terms (a term list that cannot
recognise the point it was written for would never credit anyone)."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.core.grading import STATED, Grader, KeyTermsError, parse_key_terms
from bot.core.questions import InvalidQuestionBank, QuestionBank
from tests.core.own_point_grades import own_point_verdicts


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank.load(Settings().questions_dir)


def test_every_key_point_has_key_terms(bank: QuestionBank) -> None:
    missing = [q.id for q in bank if len(q.key_terms) != len(q.key_points)]
    assert not missing, f"questions without one key-terms string per key point: {missing[:10]}"
    assert sum(len(q.key_terms) for q in bank) > 1300


def test_each_key_point_is_credited_by_its_own_terms() -> None:
    """Grading a key point's own text against its question credits that point."""
    failures = [f"{qid}#{number}" for (qid, number), verdicts in own_point_verdicts().items()
                if verdicts[number].verdict != STATED]
    assert len(own_point_verdicts()) > 1300
    assert not failures, f"key points their own terms do not credit: {failures[:10]}"


def test_all_key_points_together_credit_every_point(bank: QuestionBank) -> None:
    """An answer made of all the key points is credited with every one and flags no contradiction (a
    sentence about one side of a pair must not read as denying the other side)."""
    grader = Grader(None, bank=bank)
    failures = [f"{q.id}#{n}" for q in bank
                for n, v in enumerate(grader.grade(q, " ".join(q.key_points)).verdicts) if v.verdict != STATED]
    assert not failures, failures[:10]


def test_key_terms_syntax() -> None:
    """Groups by ';', synonyms by '|', a relation after '~', wrong alternatives after '!'."""
    terms = parse_key_terms("l1 | lasso ~ laplace ! gaussian | normal; sparse | exactly zero")
    first, second = terms.groups
    assert first.terms == (("l1",), ("lasso",)) and first.relation == (("laplace",),)
    assert first.contrary == (("gaussian",), ("normal",)) and second.terms == (("sparse",), ("exactly", "zero"))
    for bad in ("a; ; b", "a ~ ", "!x"):
        with pytest.raises(KeyTermsError):
            parse_key_terms(bad)


def test_bank_rejects_bad_key_terms(tmp_path) -> None:
    """A key_terms list of the wrong length or an unparseable string names the question."""
    (tmp_path / "topics.yaml").write_text("coding:\n  name: Coding\n  description: d\n  terms: [code]\n")
    question = """topic: coding
questions:
  - id: coding-x
    topic: coding
    tags: [t]
    difficulty: easy
    level: any
    question: Why?
    key_points:
      - one point here
      - two points here
      - three points here
    key_terms: {terms}
    follow_ups:
      - Why not?
"""
    for terms, expected in [('["a", "b"]', "key_terms has 2 items"), ('["a", "b ;; c", "d"]', "key_terms #2")]:
        (tmp_path / "coding.yaml").write_text(question.format(terms=terms))
        with pytest.raises(InvalidQuestionBank, match=expected) as caught:
            QuestionBank.load(tmp_path)
        assert "coding-x" in str(caught.value)
