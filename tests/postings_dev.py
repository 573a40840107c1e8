"""The development corpus beside the clone (../shared/postings-dev: 24 postings, truth.yaml,
questions.yaml and the corpus's own score.py), for the tests that measure against it."""

from __future__ import annotations

import importlib.util
from functools import cache
from types import ModuleType

from bot.config import PROJECT_ROOT

DEV = PROJECT_ROOT.parent / "shared" / "postings-dev"


@cache
def score_module() -> ModuleType:
    """The corpus's score.py (its field patterns and refusal wording), so a test counts exactly as it does."""
    spec = importlib.util.spec_from_file_location("postings_dev_score", DEV / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
