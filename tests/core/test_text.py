"""The one tokenizer and stopword list (bot/core/text.py) that search, dedupe and quizzes share."""

from __future__ import annotations

from bot.core.text import STOPWORDS, compounds, content_words, singular, tokens, with_parts, words


def test_tech_names_and_pairs_stay_whole() -> None:
    """"C++", "C#", "C/C++", "BS/MS", "T&S", "Node.js" and "3.5" are one word each."""
    assert words("C++ and C# or C/C++, BS/MS, T&S, Node.js 3.5") == [
        "c++", "and", "c#", "or", "c/c++", "bs/ms", "t&s", "node.js", "3.5"]


def test_sentence_punctuation_is_not_part_of_a_word() -> None:
    """A full stop, comma or closing quote after a word is dropped; an inner apostrophe is kept."""
    assert words("Python. 'quoted', don't!") == ["python", "quoted", "don't"]


def test_possessive_dropped_but_contractions_kept() -> None:
    """"TikTok's" is the company's name; "it's" and "what's" stay contractions (curly quotes too)."""
    assert words("TikTok’s team, it's what's next") == ["tiktok", "team", "it's", "what's", "next"]


def test_hyphens_split_so_compounds_match_spaced_words() -> None:
    """"cold-start" gives the same words as "cold start"; `compounds` recovers the phrase."""
    assert words("cold-start items") == words("cold start items") == ["cold", "start", "items"]
    assert compounds("zero-shot and few-shot, end-to-end; not - spaced") == ["zero-shot", "few-shot", "end-to-end"]


def test_spans_point_into_the_original_text() -> None:
    """Each token's span is where the word stands, so it can be quoted or cut out."""
    text = "Build C++ services at TikTok's scale"
    for token in tokens(text):
        assert text[token.start : token.end].lower() == token.text


def test_content_words_drop_function_words_numbers_and_single_letters() -> None:
    """Function words, bare numbers and single letters go; "C" and "R" (languages) stay."""
    assert content_words("Experience with C and R in 2 of the a b teams") == ["experience", "c", "r", "teams"]


def test_us_is_a_country_not_a_stopword() -> None:
    """"US" names a country in postings and questions, so it is never dropped as "us"."""
    assert "us" not in STOPWORDS
    assert "us" in content_words("roles in the US")


def test_singular_by_spelling() -> None:
    """Regular plurals become singular; words that only end in s stay."""
    assert [singular(w) for w in ["models", "queries", "llms", "class", "status", "analysis", "tasks", "bs/ms"]] == [
        "model", "query", "llm", "class", "status", "analysis", "task", "bs/ms"]


def test_with_parts_adds_each_side_of_a_pair() -> None:
    """"CV/NLP" also yields "cv" and "nlp", so a text naming one side still matches."""
    assert with_parts(["cv/nlp", "t&s", "python"]) == ["cv/nlp", "cv", "nlp", "t&s", "t", "s", "python"]
