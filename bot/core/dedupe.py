"""Recognise the same posting saved twice, or a truncated copy of one.

Containment of word 5-gram shingles (how much of A appears in B) rather than similarity, because a
fragment shares all of its text with the full posting but only a fraction of the full posting's.
Formatting (bullets, case, punctuation) is normalised away first.
"""

from __future__ import annotations

import re

SHINGLE = 5
DUPLICATE_CONTAINMENT = 0.8


def shingles(lines: list[str]) -> frozenset[int]:
    words = re.findall(r"[a-z0-9]+", " ".join(lines).lower())
    if len(words) < SHINGLE:
        return frozenset({hash(" ".join(words))}) if words else frozenset()
    return frozenset(hash(" ".join(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1))


def containment(part: frozenset[int], whole: frozenset[int]) -> float:
    """Share of `part`'s shingles that also occur in `whole` (1.0: every phrase is in there)."""
    if not part:
        return 0.0
    return len(part & whole) / len(part)
