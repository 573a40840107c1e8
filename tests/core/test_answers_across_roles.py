"""Questions about no particular role: a named technology filters the roles; a bare role name is an overview.

Postings written here (not the bundled or development ones), so the rule is tested on text nobody tuned on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.answers import AnswerEngine
from bot.core.index import KnowledgeIndex

POSTINGS = {
    "harbor.md": """# Perception Intern | Harborline Robotics

Harborline Robotics · Oslo, Norway · On-site

## What you'll do
- Train grasp detection models in PyTorch on our warehouse data.
- Profile inference on the robot computer.

## What we look for
- Experience with deep learning frameworks (we use PyTorch daily).
- Python and C++.
""",
    "quarry.md": """# Analytics Engineer, New Grad | Quarrystone Insurance

Quarrystone Insurance · Leeds, UK · Hybrid

## Responsibilities
- Build claims dashboards and dbt models.
- Forecast claim volumes with gradient boosted trees.

## Requirements
- SQL and Python; TensorFlow is a plus.
""",
    "tarn.md": """# Radar Perception Intern | Tarnwick Defense Systems

Tarnwick Defense Systems · Huntsville, AL · On-site

A 12-week summer internship building radar perception models, paid $48 per hour.

## What you'll do
- Train detection models on radar returns.
- Evaluate them in our test range.

## Requirements
- Coursework in signal processing or machine learning.

## Eligibility
The work is performed under a government contract with classified components. Applicants must be U.S. citizens. We cannot sponsor visas.
""",
    "lumen.md": """# Speech ML Intern | Lumenfold Audio

Lumenfold Audio · Remote (EU)

A 12-week summer internship with our speech team, paid €2,400 per month.

## The work
- Fine-tune speech recognition models with PyTorch Lightning.
- Evaluate word error rates across accents and noisy recordings.
- Write up what you learn for the team.

## You have
- Coursework in signal processing or machine learning.
- Python.
""",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embeddings) -> AnswerEngine:
    folder = tmp_path_factory.mktemp("across")
    for name, text in POSTINGS.items():
        (folder / name).write_text(text)
    index = KnowledgeIndex(tmp_path_factory.mktemp("across-data"), "", embeddings=embeddings)
    index.ingest([Path(folder)])
    return AnswerEngine(index)


@pytest.mark.parametrize("question", ["which roles need pytorch?", "which ones require PyTorch",
                                      "any roles using pytorch?", "which roles mention pytorch?"])
def test_a_named_technology_filters_the_roles(engine: AnswerEngine, question: str) -> None:
    answer = engine.answer(question)
    assert "Harborline" in answer.text and "Lumenfold" in answer.text, answer.text
    assert "Quarrystone" not in answer.text, answer.text  # it never names PyTorch
    assert answer.citations and all("pytorch" in c.quote.lower() for c in answer.citations)


@pytest.mark.parametrize("question", ["what about quarrystone", "and harborline?", "lumenfold"])
def test_a_bare_role_name_gets_its_overview(engine: AnswerEngine, question: str) -> None:
    answer = engine.answer(question)
    assert "doesn't say" not in answer.text and answer.citations, answer.text
    assert len(answer.role_ids) == 1


@pytest.mark.parametrize("question", ["which roles aren't remote?", "which roles are not remote",
                                      "which ones arent remote?"])
def test_a_negated_filter_lists_the_other_roles(engine: AnswerEngine, question: str) -> None:
    answer = engine.answer(question)
    assert "Harborline" in answer.text and "Quarrystone" in answer.text, answer.text
    assert "Lumenfold" not in answer.text, answer.text  # the remote one


@pytest.mark.parametrize("question", ["which roles don't mention PyTorch?", "which roles dont use pytorch"])
def test_a_negated_technology_lists_the_roles_without_it(engine: AnswerEngine, question: str) -> None:
    answer = engine.answer(question)
    assert "Quarrystone" in answer.text and "Harborline" not in answer.text and "Lumenfold" not in answer.text, \
        answer.text


@pytest.mark.parametrize("question", ["which internships are hybrid?", "which roles are hybrid"])
def test_which_roles_have_a_work_mode(engine: AnswerEngine, question: str) -> None:
    answer = engine.answer(question)
    assert "Quarrystone" in answer.text and "Harborline" not in answer.text and "Lumenfold" not in answer.text, \
        answer.text


def test_a_superlative_with_a_filter_word_still_ranks(engine: AnswerEngine) -> None:
    """ "which internship has the highest monthly pay?" ranks pay; it is not the list of monthly payers."""
    answer = engine.answer("which internship has the highest monthly pay?")
    assert "Lumenfold" in answer.text and "€2,400" in answer.text, answer.text
    assert "roles pay per month" not in answer.text, answer.text


def test_an_eligibility_rule_is_quoted_with_its_reason(engine: AnswerEngine) -> None:
    answer = engine.answer("can international students apply to the tarnwick radar internship?")
    assert "U.S. citizens" in answer.text and "government contract" in answer.text, answer.text
