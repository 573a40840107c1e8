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
    """Guard on the held-out half at the figures of its one evaluation after the key-term review of the
    whole bank (2026-11-30 07:45, docs/grading.md). The half then held 20 questions (12 from before, 8
    written that day by an author who never saw key terms): precision 88.3%, wrong-answer points
    credited 8.8%, recall 77.8%, keyword-list points 2, strong > partial > wrong 10 of 20. The guard
    sits just under those figures; earlier guards were set on the 12-question half."""
    held = reports["held-out"]
    assert held.precision >= 0.86 and held.wrong_credited <= 0.10 and held.recall >= 0.75, held.summary()
    assert held.keyword_credited <= 2 and held.ordered >= 9, held.summary()


@pytest.mark.xfail(strict=True, reason="not met (2026-11-30 07:45, after the key-term review of the whole bank): "
                                        "held-out precision 88.3% (target 95), wrong-answer points credited 8.8% (3), "
                                        "recall 77.8% (85), keyword-list points 2 (0), strong>partial>wrong 10/20 (90%); "
                                        "docs/grading.md. Strict, so meeting the targets makes this test fail until "
                                        "unmarked")
def test_held_out_half_meets_the_done_when_targets(reports: dict[str, Report]) -> None:
    held = reports["held-out"]
    assert held.precision >= PRECISION and held.wrong_credited <= WRONG_CREDITED and held.keyword_credited == 0
    assert held.ordering >= ORDERING and held.recall >= RECALL, held.summary()
