"""Derived tables kept between runs: built once, read after, rebuilt when the file is bad."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import disk_cache
from bot.core.disk_cache import cached_json


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
