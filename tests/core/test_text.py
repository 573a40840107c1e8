"""The one tokenizer and stopword list (bot/core/text.py) that search, dedupe, quizzes, grading and
question understanding (role names, places, employers) share."""

from __future__ import annotations

from bot.core.text import STOPWORDS, compounds, content_words, remove_spans, singular, tokens, with_parts, words


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
    """Each token's span is where the word stands, so it can be quoted or cut out; a dropped
    possessive "'s" stays inside the span (curly or straight), a trailing full stop does not."""
    text = "Build C++ services at TikTok's scale in Node.js. Wrenfield’s team"
    found = tokens(text)
    assert [text[t.start : t.end] for t in found] == [
        "Build", "C++", "services", "at", "TikTok's", "scale", "in", "Node.js", "Wrenfield’s", "team"]
    assert [t.text for t in found] == [
        "build", "c++", "services", "at", "tiktok", "scale", "in", "node.js", "wrenfield", "team"]


def test_a_role_name_is_cut_out_with_its_possessive() -> None:
    """Removing a role's name from a question leaves what is asked, with no stray "'s"."""
    question = "Is Quillfeather's MLE internship paid?"
    named = [t for t in tokens(question) if t.text in {"quillfeather", "mle", "internship"}]
    assert remove_spans(question, [(named[0].start, named[-1].end)]) == "Is paid?"


def test_parts_split_slash_pairs_with_their_own_spans() -> None:
    """With `parts`, "ML/AI" and "Berlin/Munich" are two names each, each span covering its part
    (the last one with the possessive); "&" and "." still join one name ("T&S", "Node.js")."""
    text = "ML/AI roles in Berlin/Munich's office, T&S, Node.js, C/C++"
    found = tokens(text, parts=True)
    assert [t.text for t in found] == [
        "ml", "ai", "roles", "in", "berlin", "munich", "office", "t&s", "node.js", "c", "c++"]
    assert [text[t.start : t.end] for t in found][:6] == ["ML", "AI", "roles", "in", "Berlin", "Munich's"]
    assert words(text)[:5] == ["ml/ai", "roles", "in", "berlin/munich", "office"]  # without parts: whole


def test_a_lone_ampersand_or_plus_is_not_a_word() -> None:
    """ "Trust & Safety" and "Trust and Safety" differ only by a stopword; "C++" keeps its pluses."""
    assert words("Trust & Safety + C++") == ["trust", "safety", "c++"]
    assert content_words("Trust & Safety") == content_words("Trust and Safety")


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
    """"CV/NLP" also yields "cv" and "nlp", so a text naming one side still matches; "R&D" is one
    name, not the language "r" and a "d"."""
    assert with_parts(["cv/nlp", "r&d", "python"]) == ["cv/nlp", "cv", "nlp", "r&d", "python"]
    assert with_parts(["cv/nlp"])[1:] == words("CV/NLP", parts=True)  # one rule for what a part is


def test_quantifiers_and_spatial_function_words_are_stopwords() -> None:
    """ "many", "across" and "among" say how much or where, not what: role-name detection and
    search both skip them (the one stopword list)."""
    assert content_words("many roles across Europe, among others") == ["roles", "europe", "others"]


def test_a_joiner_between_two_removed_names_goes_with_them() -> None:
    """ "PhD/e-commerce": the "/" joined the two names; "Berlin and Munich": "and" is a word."""
    assert remove_spans("Is the PhD/e-commerce one remote?", [(11, 25), (7, 10)]) == "Is the remote?"
    assert remove_spans("the Berlin and Munich roles?", [(4, 10), (15, 21)]) == "the and roles?"
    assert remove_spans("C/C++ or Go?", [(0, 1)]) == "/C++ or Go?"  # one name removed: nothing joined
