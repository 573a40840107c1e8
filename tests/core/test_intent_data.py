"""The labelled intent examples (knowledge/intents/) are reviewed like code: every intent has at least
30 varied examples, no example is labelled twice, and the evaluation labels name real intents."""

from __future__ import annotations

from collections import Counter

import yaml

from bot.core.understanding.data import INTENTS_DIR, intent_examples, role_words

MIN_EXAMPLES = 30
REQUIRED = {"greeting", "thanks", "help", "list_roles", "role_overview", "requirements", "skills", "responsibilities",
            "team", "pay", "location", "work_mode", "start_dates", "duration", "level", "visa", "deadline",
            "application_limit", "compare", "which_roles", "study_advice", "quiz", "mock", "review", "progress",
            "set_role", "rate", "add_posting", "fit_check", "plan", "forget", "leaderboard", "off_topic",
            "harder", "easier", "skip", "hint", "stop", "list_topics"}


def test_every_intent_has_enough_distinct_examples() -> None:
    examples = intent_examples()
    assert REQUIRED <= set(examples)
    for name, phrases in examples.items():
        assert len(set(phrases)) >= MIN_EXAMPLES, (name, len(set(phrases)))


def test_no_example_is_labelled_twice() -> None:
    counts = Counter(p.strip().lower() for phrases in intent_examples().values() for p in phrases)
    assert [p for p, n in counts.items() if n > 1] == []


def test_evaluation_labels_name_real_intents() -> None:
    known = set(intent_examples()) | {"none", "unclear"}
    dev = yaml.safe_load((INTENTS_DIR / "eval" / "dev_questions.yaml").read_text())["questions"]
    assert len(dev) >= 140 and all(set(labels) <= known for labels in dev.values())
    chat = yaml.safe_load((INTENTS_DIR / "eval" / "conversation.yaml").read_text())["messages"]
    assert all(m["intent"] in known for m in chat)


def test_role_words_load() -> None:
    words = role_words()
    assert words.abbreviations["mle"] and "labs" in words.generic_company_words and "it" in words.context_words
