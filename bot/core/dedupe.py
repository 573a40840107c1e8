"""Recognise the same posting saved twice, or a truncated copy of one.

Containment of word 5-gram shingles (how much of A appears in B) rather than similarity, because a
fragment shares all of its text with the full posting but only a fraction of the full posting's.
Formatting (bullets, case, punctuation) is normalised away first.
"""

from __future__ import annotations

from bot.core.text import words as words_of

SHINGLE = 5
DUPLICATE_CONTAINMENT = 0.8


def shingles(lines: list[str]) -> frozenset[int]:
    """Hashes of every run of `SHINGLE` words of `lines` (one hash of all words when fewer)."""
    words = words_of(" ".join(lines))
    if len(words) < SHINGLE:
        return frozenset({hash(" ".join(words))}) if words else frozenset()
    return frozenset(hash(" ".join(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1))


class ShingleIndex:
    """Shingle -> roles, so finding the role that contains a text touches only roles sharing phrases
    with it, instead of comparing against every role (quadratic at thousands of postings)."""

    def __init__(self) -> None:
        self._roles: dict[str, frozenset[int]] = {}
        self._postings: dict[int, set[str]] = {}

    def add(self, role_id: str, role_shingles: frozenset[int]) -> None:
        self.remove(role_id)
        self._roles[role_id] = role_shingles
        for shingle in role_shingles:
            self._postings.setdefault(shingle, set()).add(role_id)

    def remove(self, role_id: str) -> None:
        for shingle in self._roles.pop(role_id, frozenset()):
            holders = self._postings.get(shingle)
            if holders:
                holders.discard(role_id)

    def container(self, part: frozenset[int], exclude: set[str]) -> tuple[str | None, float]:
        """The role holding the largest share of `part`'s shingles (ties: the first found)."""
        if not part:
            return None, 0.0
        shared: dict[str, int] = {}
        for shingle in part:
            for role_id in self._postings.get(shingle, ()):
                shared[role_id] = shared.get(role_id, 0) + 1
        candidates = [(count, role_id) for role_id, count in shared.items() if role_id not in exclude]
        if not candidates:
            return None, 0.0
        count, role_id = max(candidates)
        return role_id, count / len(part)
