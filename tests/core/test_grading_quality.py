"""The grader measured on the labelled set (knowledge/grading/labelled.yaml, issue 11): precision of
"credited" apart from recall, fluent-but-wrong and keyword-list answers, and the ordering of strong,
partial and wrong answers. Figures and the command that produced them: docs/grading.md."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.core.grading import Grader
from bot.core.grading.evaluation import Report, evaluate, load_labelled
from bot.core.questions import QuestionBank

# issue 11 "Done when", on the half not used for tuning
PRECISION, WRONG_CREDITED, ORDERING, RECALL = 0.95, 0.03, 0.90, 0.85


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank.load(Settings().questions_dir)


@pytest.fixture(scope="module")
def reports(bank: QuestionBank) -> dict[str, Report]:
    grader, answers = Grader(None, bank=bank), load_labelled()
    return {split: evaluate(grader, bank, answers, split) for split in ("tune", "held-out")}


def test_labelled_set_is_large_and_split(reports: dict[str, Report]) -> None:
    """At least 300 answer-point pairs, both halves holding every kind of answer."""
    assert sum(len(r.pairs) for r in reports.values()) >= 300
    for report in reports.values():
        assert {p.answer.kind for p in report.pairs} >= {"strong", "partial", "wrong", "keywords"}
        assert report.questions >= 12


def test_tune_half_meets_the_targets(reports: dict[str, Report]) -> None:
    """The half the key terms and rules were tuned on meets every target (measured: see docs/grading.md)."""
    tune = reports["tune"]
    assert tune.precision >= PRECISION and tune.wrong_credited <= WRONG_CREDITED and tune.keyword_credited == 0
    assert tune.ordering >= ORDERING and tune.recall >= RECALL, tune.summary()


def test_held_out_half_does_not_regress(reports: dict[str, Report]) -> None:
    """Guard on the held-out half at the figures of its one evaluation after the second review of the
    bank (2026-11-30 10:14, docs/grading.md). The half then held 32 questions: the 12 from before, 8
    written that morning and 12 written that afternoon by new authors who never saw key terms: precision
    83.5%, wrong-answer points credited 12.7%, recall 70.4%, keyword-list points 4, strong > partial >
    wrong 16 of 32. The guard sits just under those figures; earlier guards were set on 12 and 20
    questions."""
    held = reports["held-out"]
    assert held.precision >= 0.82 and held.wrong_credited <= 0.14 and held.recall >= 0.68, held.summary()
    assert held.keyword_credited <= 4 and held.ordered >= 15, held.summary()


@pytest.mark.xfail(strict=True, reason="not met (2026-11-30 10:14, after the second review of the bank, 32 questions): "
                                        "held-out precision 83.5% (target 95), wrong-answer points credited 12.7% (3), "
                                        "recall 70.4% (85), keyword-list points 4 (0), strong>partial>wrong 16/32 (90%); "
                                        "docs/grading.md. Strict, so meeting the targets makes this test fail until "
                                        "unmarked")
def test_held_out_half_meets_the_done_when_targets(reports: dict[str, Report]) -> None:
    held = reports["held-out"]
    assert held.precision >= PRECISION and held.wrong_credited <= WRONG_CREDITED and held.keyword_credited == 0
    assert held.ordering >= ORDERING and held.recall >= RECALL, held.summary()
