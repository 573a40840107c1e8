"""bot/core/english.py answers exactly as wordfreq does, without importing it for plain words."""

from __future__ import annotations

import subprocess
import sys

import pytest
from wordfreq import zipf_frequency as wordfreq_zipf

from bot.config import PROJECT_ROOT
from bot.core.english import _centibels, is_common_word, zipf_frequency

PLAIN = ["the", "orchard", "machine", "recommender", "quillfeather", "tiktok", "pytorch", "don't", "it's",
         "reccomendation", "Berlin", "Machine", "nilgiri", "zzzq"]
ODD = ["401k", "node.js", "c++", "3.5", "h100", "bs/ms"]


@pytest.mark.parametrize("word", PLAIN + ODD)
def test_same_zipf_as_wordfreq(word: str) -> None:
    assert zipf_frequency(word) == pytest.approx(wordfreq_zipf(word, "en", wordlist="small"), abs=0.005)


def test_same_as_wordfreq_over_a_sample_of_its_list() -> None:
    """Every 50th word of the list, and the common-word verdict, agree (Zipf rounded to 0.01)."""
    sample = list(_centibels())[::50]
    assert len(sample) > 400
    differ = [w for w in sample if abs(zipf_frequency(w) - wordfreq_zipf(w, "en", wordlist="small")) > 0.005]
    assert not differ, differ[:10]
    assert is_common_word("orchard") and is_common_word("machine") and not is_common_word("quillfeather")


def test_plain_words_do_not_import_wordfreq() -> None:
    code = ("import sys; from bot.core.english import is_common_word as c; "
            "assert c('orchard') and not c('quillfeather'); print('wordfreq' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
