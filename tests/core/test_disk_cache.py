"""Derived tables kept between runs: built once, read after, rebuilt when the file is bad."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.core import disk_cache
from bot.core.disk_cache import cached_json, cached_vectors


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PREPBOT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "prepbot"


def test_built_once_then_read(cache: Path) -> None:
    builds: list[int] = []

    def build() -> dict:
        builds.append(1)
        return {"munich": ["DE", 1]}

    assert cached_json("table", "key 1", build) == {"munich": ["DE", 1]}
    assert cached_json("table", "key 1", build) == {"munich": ["DE", 1]}
    assert len(builds) == 1 and len(list(cache.glob("table-*.json"))) == 1
    cached_json("table", "key 2", build)  # another version of what it is built from: another file
    assert len(builds) == 2 and len(list(cache.glob("table-*.json"))) == 2


def test_a_corrupt_file_is_rebuilt_and_replaced(cache: Path) -> None:
    cached_json("table", "k", lambda: [1, 2])
    (path,) = cache.glob("table-*.json")
    path.write_text('[1, 2')  # cut short, as by a crash mid-write of an older version
    assert cached_json("table", "k", lambda: [3]) == [3]
    assert cached_json("table", "k", lambda: [4]) == [3]


def test_an_unwritable_cache_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setattr(disk_cache, "cache_dir", lambda: blocker / "prepbot")
    assert cached_json("table", "k", lambda: {"a": 1}) == {"a": 1}


def test_gazetteer_and_regions_are_the_same_from_the_cache(cache: Path) -> None:
    from bot.core.answering import regions
    from bot.core.postings import places

    places.gazetteer.cache_clear()
    regions._geo.cache_clear()
    built = (places.gazetteer(), regions.place_regions("Toronto, ON or Montréal, QC"))
    places.gazetteer.cache_clear()
    regions._geo.cache_clear()
    regions._place_regions.cache_clear()
    assert {p.name.split("-")[0] for p in cache.glob("*.json")} == {"gazetteer", "regions"}
    read = (places.gazetteer(), regions.place_regions("Toronto, ON or Montréal, QC"))
    assert read == built and {"CA", "toronto"} <= read[1]


class _FakeEncoder:
    """Vectors from a seed: another seed is another model at the same path."""

    def __init__(self, seed: int) -> None:
        self.model_path, self.seed, self.documents_embedded = "/models/same-path", seed, 0

    def _vector(self, text: str) -> list[float]:
        rng = np.random.default_rng(abs(hash((self.seed, text))) % 2**32)
        v = rng.normal(size=8)
        return list(v / np.linalg.norm(v))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents_embedded += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def test_example_vectors_are_kept_and_a_changed_model_is_noticed(cache: Path) -> None:
    texts = ["What you'll do", "Qualifications", "Benefits"]
    first = _FakeEncoder(1)
    made = cached_vectors("examples", texts, first)
    again = _FakeEncoder(1)
    kept = cached_vectors("examples", texts, again)
    assert again.documents_embedded == 0 and np.allclose(kept, made, atol=1e-6)
    other_model = _FakeEncoder(2)
    remade = cached_vectors("examples", texts, other_model)
    assert other_model.documents_embedded == 3 and not np.allclose(remade, made, atol=1e-3)
