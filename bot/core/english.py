"""How common an English word is: wordfreq's Zipf frequency, read straight from its bundled list.

Why not `wordfreq.zipf_frequency`: importing wordfreq costs more than the rest of a cold `prepbot ask`
can afford (ftfy, regex, langcodes, and `locate.this_dir()`, which calls `inspect.stack()` and reads the
source of every frame on the import stack). For a plain word (letters, an apostrophe) wordfreq's answer
is a table lookup: its "small" English list is msgpack'd buckets of words, bucket i holding the words
whose frequency is -i centibels, and reading that file takes a few milliseconds. Anything else (digits,
"node.js", "c++") goes to wordfreq itself, which tokenizes and smashes digits first. tests/core/
test_english.py checks the answers equal wordfreq's own.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
from functools import cache
from pathlib import Path

import msgpack

COMMON_ZIPF = 3.0  # ordinary English words are above this, invented names ("quillfeather") below
_PLAIN = re.compile(r"[a-z]+(?:'[a-z]+)?")


def zipf_frequency(word: str) -> float:
    """wordfreq's Zipf frequency of `word` in English (its small list): 0.0 for a word not listed.
    Zipf 6 is "the", 3 an ordinary word ("orchard"), below 1 rare."""
    plain = word.lower().replace("’", "'")
    if not _PLAIN.fullmatch(plain):
        from wordfreq import zipf_frequency as wordfreq_zipf

        return wordfreq_zipf(word, "en", wordlist="small")
    centibels = _centibels().get(plain)
    return 0.0 if centibels is None else round(centibels / 100 + 9, 2)


def is_common_word(word: str) -> bool:
    """An ordinary English word ("orchard", "machine"), as opposed to a name ("quillfeather")."""
    return zipf_frequency(word) >= COMMON_ZIPF


@cache
def _centibels() -> dict[str, int]:
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("wordfreq is not installed")  # a broken install, not a user error
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "small_en.msgpack.gz"
    with gzip.open(path) as handle:
        header, *buckets = msgpack.load(handle, raw=False)
    if header.get("format") != "cB":
        raise ValueError(f"unexpected wordfreq list format: {header!r}")
    return {word: -index for index, bucket in enumerate(buckets) for word in bucket}
