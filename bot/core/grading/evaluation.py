"""Measure the grader on the labelled set (knowledge/grading/labelled.yaml).

Precision of "credited" is reported apart from recall: crediting a wrong answer is the harmful
error, missing a right one the lesser (issue 11). Used by tests/core/test_grading_quality.py and
`python -m bot.core.grading.evaluation` (the figures in docs/grading.md).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.core.grading.feedback import CONTRADICTED, STATED
from bot.core.grading.grader import Grader
from bot.core.questions import QuestionBank

LABELLED_FILE = Path(__file__).resolve().parents[3] / "knowledge" / "grading" / "labelled.yaml"
LABELS = ("stated", "not-stated", "contradicted")
KINDS = ("strong", "partial", "wrong", "contradicting", "keywords")
CORRECT_KINDS = ("strong", "partial")
WRONG_KINDS = ("wrong", "contradicting")


@dataclass(frozen=True)
class LabelledAnswer:
    question_id: str
    split: str
    kind: str
    text: str
    labels: tuple[str, ...]


@dataclass
class Pair:
    """One (answer, key point) pair: its label and what the grader said."""

    answer: LabelledAnswer
    point: int
    label: str
    verdict: str


@dataclass
class Report:
    pairs: list[Pair] = field(default_factory=list)
    # Questions where strong > partial > wrong, by the quality score students are shown and
    # leaderboards rank by (credited minus contradicted points, floored at 0; Feedback.quality).
    ordered: int = 0
    # The same by credited share alone, and what the labels themselves allow by stated share: a
    # fluent wrong answer that gets one point right states as many points as a one-point partial
    # answer, so no grader can order those two by coverage (docs/grading.md).
    ordered_by_coverage: int = 0
    labels_ordered_by_coverage: int = 0
    questions: int = 0

    def _count(self, **conditions) -> int:
        return sum(1 for p in self.pairs if all(_matches(p, k, v) for k, v in conditions.items()))

    @property
    def credited(self) -> int:
        return self._count(verdict=STATED)

    @property
    def precision(self) -> float:
        """Of the points credited, the share the answer really states."""
        return self._count(verdict=STATED, label="stated") / self.credited if self.credited else 1.0

    @property
    def recall(self) -> float:
        """Of the points correct (strong, partial) answers state, the share credited."""
        stated = [p for p in self.pairs if p.answer.kind in CORRECT_KINDS and p.label == "stated"]
        return sum(p.verdict == STATED for p in stated) / len(stated) if stated else 1.0

    @property
    def wrong_credited(self) -> float:
        """Of the points a fluent-but-wrong answer does not state, the share credited."""
        unstated = [p for p in self.pairs if p.answer.kind in WRONG_KINDS and p.label != "stated"]
        return sum(p.verdict == STATED for p in unstated) / len(unstated) if unstated else 0.0

    @property
    def keyword_credited(self) -> int:
        return sum(1 for p in self.pairs if p.answer.kind == "keywords" and p.verdict == STATED)

    @property
    def ordering(self) -> float:
        return self.ordered / self.questions if self.questions else 1.0

    @property
    def flags(self) -> tuple[int, int, int]:
        """(contradiction flags raised, of them on points labelled contradicted, points labelled contradicted)."""
        raised = [p for p in self.pairs if p.verdict == CONTRADICTED]
        return (len(raised), sum(p.label == "contradicted" for p in raised),
                sum(p.label == "contradicted" for p in self.pairs))

    def errors(self) -> list[Pair]:
        """Credited but not stated (harmful), then stated but not credited."""
        harmful = [p for p in self.pairs if p.verdict == STATED and p.label != "stated"]
        missed = [p for p in self.pairs if p.verdict != STATED and p.label == "stated"]
        return harmful + missed

    def summary(self) -> str:
        raised, right, labelled = self.flags
        return (f"pairs {len(self.pairs)}, credited {self.credited}, precision {self.precision:.1%}, "
                f"recall (correct answers) {self.recall:.1%}, wrong-answer points credited "
                f"{self.wrong_credited:.1%}, keyword-list points credited {self.keyword_credited}, "
                f"strong>partial>wrong {self.ordered}/{self.questions} (by credited share {self.ordered_by_coverage}, "
                f"labels' own stated share allow {self.labels_ordered_by_coverage}), contradiction flags {raised} "
                f"({right} on labelled contradictions, of {labelled})")


def _matches(pair: Pair, key: str, value: str) -> bool:
    return getattr(pair, key) == value


def load_labelled(path: Path = LABELLED_FILE) -> list[LabelledAnswer]:
    """The labelled answers, validated (labels and kinds from the fixed vocabularies)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for question in data["questions"]:
        for answer in question["answers"]:
            labels = tuple(answer["labels"])
            if answer["kind"] not in KINDS or not all(label in LABELS for label in labels):
                raise ValueError(f"{path.name}: {question['question']}: bad kind or label in {answer}")
            found.append(LabelledAnswer(question["question"], question["split"], answer["kind"],
                                        " ".join(answer["text"].split()), labels))
    return found


def evaluate(grader: Grader, bank: QuestionBank, answers: list[LabelledAnswer], split: str | None = None) -> Report:
    """Grade every labelled answer (of `split`, or all) and compare point by point."""
    report = Report()
    scores: dict[str, dict[str, tuple[float, float, float]]] = {}  # question -> kind -> (quality, coverage, labels)
    for answer in answers:
        if split is not None and answer.split != split:
            continue
        question = bank.get(answer.question_id)
        if len(answer.labels) != len(question.key_points):
            raise ValueError(f"{answer.question_id}: {len(answer.labels)} labels for "
                             f"{len(question.key_points)} key points")
        feedback = grader.grade(question, answer.text)
        for number, (label, verdict) in enumerate(zip(answer.labels, feedback.verdicts, strict=True)):
            report.pairs.append(Pair(answer, number, label, verdict.verdict))
        stated = sum(label == "stated" for label in answer.labels) / len(answer.labels)
        scores.setdefault(answer.question_id, {})[answer.kind] = (feedback.quality, feedback.coverage, stated)
    for kinds in scores.values():
        if {"strong", "partial", "wrong"} <= set(kinds):
            report.questions += 1
            strong, partial, wrong = kinds["strong"], kinds["partial"], kinds["wrong"]
            report.ordered += strong[0] > partial[0] > wrong[0]
            report.ordered_by_coverage += strong[1] > partial[1] > wrong[1]
            report.labels_ordered_by_coverage += strong[2] > partial[2] > wrong[2]
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure the offline grader on the labelled set.")
    parser.add_argument("--split", choices=["tune", "held-out"], help="only this half (default: both, each)")
    parser.add_argument("-v", action="store_true", help="list every misjudged pair")
    args = parser.parse_args()
    from bot.config import Settings

    bank = QuestionBank.load(Settings().questions_dir)
    grader = Grader(None, bank=bank)
    answers = load_labelled()
    for split in [args.split] if args.split else ["tune", "held-out"]:
        report = evaluate(grader, bank, answers, split)
        print(f"{split}: {report.summary()}")
        if args.v:
            for pair in report.errors():
                point = bank.get(pair.answer.question_id).key_points[pair.point]
                print(f"  [{pair.answer.kind}] {pair.answer.question_id}#{pair.point} label={pair.label} "
                      f"verdict={pair.verdict}: {point}")


if __name__ == "__main__":
    main()
