"""The development corpus (../shared/postings-dev) as a test: field accuracy as its score.py counts
it, technology recall, and requirements landing in the minimum / preferred sections.

The corpus measures; it does not teach. Extractor unit tests with their own phrasings live in
test_posting_fields.py. Thresholds are the issue's "done when" figures.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
import yaml

from bot.core.postings import Posting, load_posting
from bot.core.postings.tech import canonical
from tests.postings_dev import DEV, score_module

FIELD_ACCURACY = 0.95
TECH_RECALL = 0.95
SECTION_RECALL = 0.90
_STOP = set(
    "a an the and or of in to for with on at as by is are be your you our we any other such related field".split()
)

pytestmark = pytest.mark.skipif(
    not (DEV / "truth.yaml").exists(), reason="../shared/postings-dev is not beside the clone"
)


@cache
def _truth() -> dict:
    return yaml.safe_load((DEV / "truth.yaml").read_text(encoding="utf-8"))


@cache
def _postings() -> dict[str, Posting]:
    return {name: load_posting(DEV / name) for name in _truth()}


def test_field_accuracy_as_score_py_counts_it() -> None:
    """company, title, locations, work mode, level, pay, duration, start dates: >= 95% right."""
    score = score_module()
    misses = []
    total = 0
    for name, truth in _truth().items():
        role = _postings()[name].summary()
        for field in score.FIELDS:
            total += 1
            if not score.check(field, truth, role):
                misses.append(f"{name} {field}: {role.get(field)!r}")
    accuracy = 1 - len(misses) / total
    assert accuracy >= FIELD_ACCURACY, "\n".join(misses)


def test_tech_recall() -> None:
    """Every named technology in truth.yaml (by the taxonomy's canonical name) is in the tech stack."""
    found = wanted = 0
    missing = []
    for name, truth in _truth().items():
        have = {tech.lower() for tech in _postings()[name].tech_stack}
        for tech in truth.get("tech") or []:
            wanted += 1
            if (canonical(tech) or tech).lower() in have:
                found += 1
            else:
                missing.append(f"{name}: {tech}")
    assert found / wanted >= TECH_RECALL, missing


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9+#]+", text.lower()) if w not in _STOP and len(w) > 1}


def _coverage(item: set[str], text: str) -> float:
    return len(item & _words(text)) / max(len(item), 1)


def test_requirements_land_in_their_sections() -> None:
    """A required item is found in the minimum section (preferred in the preferred section) when a
    line there covers it as well as any line of the posting does."""
    found = wanted = 0
    missing = []
    for name, truth in _truth().items():
        posting = _postings()[name]
        for key, section in (("required", "minimum_qualifications"), ("preferred", "preferred_qualifications")):
            for item in truth.get(key) or []:
                wanted += 1
                words = _words(item)
                best = max(_coverage(words, line.text) for line in posting.lines)
                inside = max((_coverage(words, line.text) for line in posting.section_lines(section)), default=0)
                if best > 0 and inside >= best:
                    found += 1
                else:
                    missing.append(f"{name} {key}: {item}")
    assert found / wanted >= SECTION_RECALL, missing


def test_every_field_cites_a_line_of_the_posting() -> None:
    """Evidence is what answers quote: each extracted field keeps the posting lines that state it."""
    for name, posting in _postings().items():
        for field in ("title", "company", "location", "pay", "start_dates"):
            value = getattr(posting, {"location": "locations"}.get(field, field))
            if value:
                assert posting.evidence.get(field), f"{name}: {field} has no evidence"
