"""Practice that reads like an interviewer (issue 13): a role quiz leans toward the role's subject,
and posting questions ask about a line's subject in a few of its words, never quote it.

Topic shares are measured over ../shared/postings-dev on the roles whose truth `topic` maps to a
bank topic (recommendation, search/ranking, multimodal, LLMs); other kinds of role are not scored.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.core.index import KnowledgeIndex
from bot.core.questions import QuestionBank
from bot.core.quiz import QuizMaker
from bot.core.quiz.interviewer import is_admin, subject_of

DEV = Path(__file__).resolve().parents[3] / "shared" / "postings-dev"
QUESTIONS = Path(__file__).resolve().parents[2] / "knowledge" / "questions"
# A role's truth topic -> the bank topics that count as "its" questions. Ranking questions live in
# both recsys and search, so either counts for a ranking or recommendation role.
ON_TOPIC = (
    ("recommender systems", {"recsys", "search"}),
    ("search / ranking", {"search", "recsys"}),
    ("multimodal", {"multimodal"}),
    ("llms", {"llm"}),
)
SEEDS = range(10)
QUIZ_SIZE = 10
MAX_QUOTED_WORDS = 6


def _on_topic(truth_topic: str) -> set[str] | None:
    lowered = truth_topic.lower()
    for key, topics in ON_TOPIC:
        if lowered.startswith(key) or (key == "llms" and "llms" in lowered and "search" not in lowered):
            return topics
    return None


@pytest.fixture(scope="module")
def dev_maker(tmp_path_factory, embeddings):
    if not DEV.is_dir():
        pytest.skip("../shared/postings-dev is not available")
    index = KnowledgeIndex(tmp_path_factory.mktemp("dev-index"), "", embeddings=embeddings)
    index.ingest([DEV])
    return QuizMaker(QuestionBank.load(QUESTIONS), index)


@pytest.fixture(scope="module")
def scored_roles(dev_maker):
    truth = yaml.safe_load((DEV / "truth.yaml").read_text(encoding="utf-8"))
    by_file = {Path(source).name: role for role in dev_maker.index.roles()
               for source in dev_maker.index.sources(role.role_id)}
    found = []
    for name, facts in truth.items():
        topics = _on_topic(str(facts.get("topic", ""))) if isinstance(facts, dict) else None
        if topics and name in by_file:
            found.append((name, by_file[name], topics))
    return found


def test_role_quizzes_are_mostly_about_the_role(dev_maker, scored_roles):
    assert len(scored_roles) >= 10  # recommendation, search, multimodal and LLM roles of the dev set
    report = []
    for name, role, topics in scored_roles:
        counts = Counter(q.topic for seed in SEEDS
                         for q in dev_maker.make_quiz(role=role.role_id, n=QUIZ_SIZE, seed=seed).questions)
        share = sum(counts[t] for t in topics) / sum(counts.values())
        report.append((name, round(share, 2)))
    print(report)
    assert all(share > 0.5 for _, share in report), report


def test_posting_questions_never_quote_more_than_a_few_words(dev_maker, scored_roles):
    for _, role, _ in scored_roles:
        lines = {line.text for line in role.lines}
        for question in dev_maker.posting_questions(role):
            asked = _words(question.question)
            longest = max(_shared_run(asked, _words(line)) for line in lines)
            assert longest <= MAX_QUOTED_WORDS, (question.question, longest)
            assert "“" not in question.question and "The posting asks for" not in question.question


def test_posting_questions_vary_their_wording(dev_maker, scored_roles):
    for _, role, _ in scored_roles:
        openings = Counter(q.question.split()[:3].__str__() for q in dev_maker.posting_questions(role)
                           if q.source == "posting" and not q.question.startswith("This role asks for"))
        if sum(openings.values()) >= 4:
            assert len(openings) >= 2, openings


def test_subjects_and_eligibility():
    assert subject_of("explore generative recommendation techniques", duty=True) == \
        "generative recommendation techniques"
    assert subject_of("Understanding of precision/recall trade-offs and how to evaluate a classifier",
                      duty=False) == "precision/recall trade-offs"
    assert subject_of("Curiosity about where the milliseconds go", duty=False) is None
    assert is_admin("Currently enrolled in a PhD program in machine learning")
    assert not is_admin("Experience with multilingual NLP or Indic languages")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9+#/-]+", text.lower())


def _shared_run(first: list[str], second: list[str]) -> int:
    """The longest run of consecutive words the two texts share."""
    best = 0
    previous = [0] * (len(second) + 1)
    for a in first:
        current = [0] * (len(second) + 1)
        for j, b in enumerate(second, start=1):
            if a == b:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best
