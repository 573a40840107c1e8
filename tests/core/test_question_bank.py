"""The question bank as data reviewed like code: schema, ids, coverage, and no near-duplicates."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.config import Settings
from bot.core.embeddings import CachedEmbeddings
from bot.core.errors import UnknownQuestion
from bot.core.questions import DIFFICULTIES, LEVELS, InvalidQuestionBank, QuestionBank

BANK_DIR = Settings().questions_dir
REQUIRED_TOPICS = ["recsys", "multimodal", "llm", "pytorch", "deep-learning", "ml-fundamentals", "ml-systems",
                   "experimentation", "search", "coding", "cpp", "behavioral"]
NEAR_DUPLICATE = 0.9  # cosine between two question texts; above it they ask the same thing


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank.load(BANK_DIR)


def test_bank_loads_with_every_required_topic(bank: QuestionBank) -> None:
    """The bank validates, has at least 200 questions, and declares every required topic id."""
    assert len(bank) >= 200
    assert set(REQUIRED_TOPICS) <= set(bank.topics())


def test_every_topic_is_populated_at_every_difficulty(bank: QuestionBank) -> None:
    """Each topic has at least one easy, one medium and one hard question."""
    counts = Counter((q.topic, q.difficulty) for q in bank)
    empty = [(t, d) for t in bank.topics() for d in DIFFICULTIES if counts[(t, d)] == 0]
    assert not empty, f"topics without questions at some difficulty: {empty}"


def test_schema_of_every_question(bank: QuestionBank) -> None:
    """Ids are '<topic>-<slug>', enums are valid, 3-6 key points and 1-3 follow-ups, all non-empty."""
    for q in bank:
        assert q.id.startswith(f"{q.topic}-"), q.id
        assert q.difficulty in DIFFICULTIES and q.level in LEVELS, q.id
        assert 3 <= len(q.key_points) <= 6 and 1 <= len(q.follow_ups) <= 3, q.id
        assert q.question.strip() and q.tags and all(p.strip() for p in q.key_points), q.id


def test_ids_are_unique_across_files() -> None:
    """No id appears twice anywhere in the YAML files (the loader would reject it too)."""
    ids = [item["id"] for path in sorted(BANK_DIR.glob("*.yaml")) if path.name != "topics.yaml"
           for item in yaml.safe_load(path.read_text())["questions"]]
    assert [i for i, c in Counter(ids).items() if c > 1] == []


def test_recsys_has_depth(bank: QuestionBank) -> None:
    """Recsys is the deepest topic: more questions than any other, spanning the areas the issue lists."""
    sizes = Counter(q.topic for q in bank)
    assert sizes["recsys"] == max(sizes.values())
    text = " ".join(f"{q.question} {' '.join(q.tags)}" for q in bank.questions(topic="recsys")).lower()
    for area in ["two-tower", "cold", "position", "mmoe", "ndcg", "semantic id", "diffusion", "exploration"]:
        assert area in text, area


def test_no_near_duplicate_questions(bank: QuestionBank, embeddings: CachedEmbeddings) -> None:
    """No two question texts have embedding cosine >= 0.9 (the same question asked twice)."""
    questions = list(bank)
    vectors = np.asarray(embeddings.embed_documents([q.question for q in questions]))
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0.0)
    rows, cols = np.nonzero(np.triu(similarity) >= NEAR_DUPLICATE)
    pairs = [(questions[r].id, questions[c].id, round(float(similarity[r, c]), 3)) for r, c in zip(rows, cols, strict=True)]
    assert pairs == []


def test_filters_and_lookup(bank: QuestionBank) -> None:
    """questions() honours topic, difficulty and level together; get() finds a question by id."""
    hard_phd = bank.questions(topic="recsys", difficulty="hard", level="phd")
    assert hard_phd and all((q.topic, q.difficulty, q.level) == ("recsys", "hard", "phd") for q in hard_phd)
    first = bank.questions()[0]
    assert bank.get(first.id) is first


def test_unknown_id_suggests_close_ids(bank: QuestionBank) -> None:
    """A mistyped id raises UnknownQuestion naming the id and suggesting the real one."""
    with pytest.raises(UnknownQuestion, match="recsys-two-tower-logq-correction"):
        bank.get("recsys-two-tower-logq-corection")


def _broken_copy(tmp_path: Path, topic: str, edit) -> Path:
    folder = tmp_path / "questions"
    shutil.copytree(BANK_DIR, folder)
    path = folder / f"{topic}.yaml"
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


def test_schema_errors_name_file_and_id(tmp_path: Path) -> None:
    """A bad difficulty, too few key points and a duplicate id are all reported with file and id."""
    def edit(data: dict) -> None:
        data["questions"][0]["difficulty"] = "extreme"
        data["questions"][1]["key_points"] = data["questions"][1]["key_points"][:2]
        data["questions"].append(dict(data["questions"][2]))

    folder = _broken_copy(tmp_path, "cpp", edit)
    with pytest.raises(InvalidQuestionBank) as caught:
        QuestionBank.load(folder)
    message = str(caught.value)
    assert "cpp.yaml: question 'cpp-" in message and "difficulty 'extreme'" in message
    assert "key_points must have 3-6 items (found 2)" in message and "repeats an id" in message


def test_missing_fields_and_unknown_topic_are_rejected(tmp_path: Path) -> None:
    """A question without key_points, or a file whose topic isn't in topics.yaml, fails to load."""
    folder = _broken_copy(tmp_path, "search", lambda data: data["questions"][0].pop("key_points"))
    (folder / "astrology.yaml").write_text("topic: astrology\nquestions: []\n")
    with pytest.raises(InvalidQuestionBank) as caught:
        QuestionBank.load(folder)
    assert "is missing key_points" in str(caught.value) and "astrology" in str(caught.value)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    """Loading from a folder that doesn't exist says so."""
    with pytest.raises(InvalidQuestionBank, match="does not exist"):
        QuestionBank.load(tmp_path / "nowhere")
