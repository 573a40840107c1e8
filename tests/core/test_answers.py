"""Answers: correct, short, and every fact backed by a citation that really says it.

The questions below were written for these tests across all four roles and every kind of question
(fields, sections, cross-role, free text, follow-ups, refusals); the engine was not tuned to them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.answers import Answer, AnswerEngine
from bot.core.errors import InvalidQuestion, RoleNotFound

ECOM = "tiktok-ml-scientist-intern-global-e-commerce-content-recommendation-phd"
RS = "tiktok-research-scientist-intern-recommendation-phd"
REC = "tiktok-ml-engineer-intern-recommendation-bs-ms"
MM = "tiktok-ml-engineer-intern-short-video-content-understanding-multimodal-ca16ce"


def assert_supported(answer: Answer, *facts: str) -> None:
    """Each fact is stated in the answer AND quoted, verbatim from its source file, by a citation."""
    assert answer.citations, answer.text
    for citation in answer.citations:
        assert citation.quote in _source_text(citation.source), citation.quote
    for fact in facts:
        assert fact.lower() in answer.text.lower(), (fact, answer.text)
        assert any(fact.lower() in c.quote.lower() for c in answer.citations), (fact, answer.citations)
    for number in map(int, re.findall(r"\[(\d+)\]", answer.text)):
        assert 1 <= number <= len(answer.citations)


def _source_text(path: str) -> str:
    return re.sub(r"\s+", " ", Path(path).read_text())


@pytest.mark.parametrize(
    ("question", "role", "facts"),
    [
        ("what does the e-commerce PhD role pay?", ECOM, ["$57"]),
        ("How much is the hourly rate for the research scientist internship?", RS, ["$60"]),
        ("what's the salary of the BS/MS recommendation intern role at TikTok?", REC, ["$45"]),
        ("Where is the Seattle position based?", ECOM, ["Seattle"]),
        ("where would I work in the multimodal internship?", MM, ["San Jose"]),
        ("How long does the San Jose internship last?", MM, ["12 weeks"]),
        ("When can I start the e-commerce internship?", ECOM, ["May 11th, 2026", "June 22nd, 2026"]),
        ("Is the research scientist one in person?", RS, ["In-person"]),
        ("What team is the research scientist role on?", RS, ["Recommendation algorithm team"]),
    ],
)
def test_field_questions(answer_engine: AnswerEngine, question: str, role: str, facts: list[str]) -> None:
    """Field questions are answered from the structured fields, with the line that states them.

    A phrase that fits two roles (both BS/MS roles mention recommendation) answers for both."""
    answer = answer_engine.answer(question)
    assert role in answer.role_ids and answer.kind == "field"
    assert_supported(answer, *facts)


def test_missing_field_is_said_not_invented(answer_engine: AnswerEngine) -> None:
    """The multimodal posting states no pay: the answer says so and quotes nothing."""
    answer = answer_engine.answer("How much does the multimodal role pay?")
    assert "doesn't state" in answer.text and "$" not in answer.text
    assert answer.citations == []


def test_which_roles_need_a_phd(answer_engine: AnswerEngine) -> None:
    """A cross-role degree question lists exactly the PhD roles, citing their degree lines."""
    answer = answer_engine.answer("Which roles require a PhD?")
    assert answer.kind == "cross-role" and set(answer.role_ids) == {ECOM, RS}
    assert_supported(answer, "PhD")
    assert {c.role_id for c in answer.citations} == {ECOM, RS}


def test_compare_pay(answer_engine: AnswerEngine) -> None:
    """Comparing pay lists every role, highest first, and says which one states none."""
    answer = answer_engine.answer("compare the pay across roles")
    assert_supported(answer, "$60", "$57", "$45")
    assert answer.text.index("$60") < answer.text.index("$57") < answer.text.index("$45")
    assert "doesn't state" in answer.text


def test_which_roles_mention_cpp(answer_engine: AnswerEngine) -> None:
    """'C++' is matched as a whole term, and every cited line contains it."""
    answer = answer_engine.answer("Which roles mention C++?")
    assert {c.role_id for c in answer.citations} == {ECOM, RS, REC}
    assert all("C++" in c.quote for c in answer.citations)


def test_which_roles_mention_something_absent(answer_engine: AnswerEngine) -> None:
    """A term no posting contains gets a plain 'no role' (saying how many were checked) and no citations."""
    answer = answer_engine.answer("Do any roles mention Kubernetes?")
    assert "No indexed role mentions" in answer.text and "all 4" in answer.text and not answer.citations


def test_requirements_section(answer_engine: AnswerEngine) -> None:
    """'What are the requirements' quotes the minimum qualifications AND the preferred ones, each
    under its own label (issue 10: requirements = minimum and preferred, labelled)."""
    answer = answer_engine.answer("What are the requirements for the research scientist role?")
    assert answer.kind == "section" and answer.role_id == RS
    assert {c.section for c in answer.citations} == {"minimum_qualifications", "preferred_qualifications"}
    assert "Minimum qualifications" in answer.text and "Preferred qualifications" in answer.text
    assert answer.text.index("Minimum qualifications") < answer.text.index("Preferred qualifications")
    assert_supported(answer, "PhD degree in computer science")


def test_free_question_quotes_the_matching_line(answer_engine: AnswerEngine) -> None:
    """A free question is answered with the best-matching posting line of the named role."""
    answer = answer_engine.answer("Does the e-commerce role involve diffusion models?")
    assert answer.role_id == ECOM
    assert_supported(answer, "Diffusion Models")


def test_free_question_across_roles(answer_engine: AnswerEngine) -> None:
    """Without a role, a free question searches every posting (benefits are only in one)."""
    answer = answer_engine.answer("Do interns get health insurance?")
    assert_supported(answer, "health insurance")


def test_application_limit(answer_engine: AnswerEngine) -> None:
    """'How many applications' quotes the sentence that sets the limit."""
    answer = answer_engine.answer("How many positions can I apply to for the multimodal role?")
    assert_supported(answer, "maximum of two positions")


def test_ambiguous_role_answers_each(answer_engine: AnswerEngine) -> None:
    """'The PhD one' matches two roles, so both are answered rather than one picked at random."""
    answer = answer_engine.answer("what does the PhD one pay?")
    assert set(answer.role_ids) == {ECOM, RS}
    assert_supported(answer, "$57", "$60")


def test_context_roles_resolve_it(answer_engine: AnswerEngine) -> None:
    """A follow-up with 'it' uses the roles the conversation was about."""
    answer = answer_engine.answer("and where is it?", context_roles=[RS])
    assert answer.role_id == RS
    assert_supported(answer, "Los Angeles")


@pytest.mark.parametrize(
    "question",
    ["What does Google pay ML interns?", "which Meta roles need a PhD?", "Tell me about the Acme Corp internship"],
)
def test_unknown_company_refused(answer_engine: AnswerEngine, question: str) -> None:
    """A company that isn't indexed is refused plainly, with no citations and no figures."""
    answer = answer_engine.answer(question)
    assert answer.kind == "refusal" and not answer.citations
    assert "$" not in answer.text and "don't have" in answer.text


def test_unknown_role_refused(answer_engine: AnswerEngine) -> None:
    """A role title that matches no posting is refused instead of answered for a different role."""
    answer = answer_engine.answer("What does the data engineer role pay?")
    assert answer.kind == "refusal" and not answer.citations and "data engineer" in answer.text


def test_unrelated_question_not_found(answer_engine: AnswerEngine) -> None:
    """A question nothing in the postings supports cites nothing; an off-topic one gets a friendly
    note on what the bot can do (issue 10), not "couldn't find"."""
    answer = answer_engine.answer("What is the best recipe for sourdough bread?")
    assert answer.kind in ("chat", "not-found") and not answer.citations
    assert "interview prep" in answer.text or "couldn't find" in answer.text


def test_explicit_role_option(answer_engine: AnswerEngine) -> None:
    """--role accepts words as well as ids; an unknown one lists the valid roles by name, never by
    id (issue 10: no raw ids in human-facing text)."""
    assert answer_engine.answer("what's the pay?", role="research scientist").role_id == RS
    with pytest.raises(RoleNotFound) as error:
        answer_engine.answer("what's the pay?", role="astronaut")
    assert "Research Scientist Intern" in str(error.value) and RS not in str(error.value)


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_invalid_questions(answer_engine: AnswerEngine, question: str) -> None:
    """Empty and over-long questions get a clear error."""
    with pytest.raises(InvalidQuestion):
        answer_engine.answer(question)


@pytest.mark.parametrize("question", ["is the reccomendation MLE intern remote?",
                                      "is the recomendation MLE intern remote?"])
def test_a_misspelt_posting_word_is_not_taken_for_an_employer(answer_engine: AnswerEngine, question: str) -> None:
    """A typo of a word the postings use stands where an employer would, yet names no company."""
    answer = answer_engine.answer(question)
    assert "don't have a posting from" not in answer.text and answer.kind != "refusal"
    assert "tiktok-ml-engineer-intern-recommendation-bs-ms" in answer.role_ids + [answer.role_id]


def test_study_advice_is_not_answered_as_a_missing_fact(answer_engine: AnswerEngine) -> None:
    """'What should I study for X?' is advice from the role's profile (a conversation), never
    'the posting doesn't say'."""
    answer = answer_engine.answer("what should I study for the multimodal role?")
    assert "doesn't say" not in answer.text and "prepbot chat" in answer.text and not answer.citations
