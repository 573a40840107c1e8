"""Role profiles and quizzes on the real seed postings, the real bank and the bundled model."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.errors import RoleNotFound, UnknownQuestion, UnknownTopic
from bot.core.index import KnowledgeIndex
from bot.core.profile import FLOOR_SHARE
from bot.core.questions import QuestionBank
from bot.core.quiz import (
    MAX_ID_CHARS,
    AmbiguousRole,
    InvalidQuizRequest,
    QuizMaker,
    parse_posting_id,
    posting_question_id,
)

ECOM = "tiktok-ml-scientist-intern-global-e-commerce-content-recommendation-phd"
BSMS = "tiktok-ml-engineer-intern-recommendation-bs-ms"
MM = "tiktok-ml-engineer-intern-short-video-content-understanding-multimodal-ca16ce"
SEARCH_POSTING = """# Search Relevance Engineer

Acme Marketplace · Austin, TX · Full-time

## About the team
The Search team at Acme Marketplace helps millions of shoppers find the right product among 200 million listings.

## Responsibilities
- Improve search relevance using BM25, learning-to-rank models such as LambdaMART, and query understanding.
- Build and operate the retrieval and ranking infrastructure that serves 50,000 queries per second with low latency.
- Design offline relevance evaluation with human judgments and online interleaving experiments.

## Minimum qualifications
- Experience with Elasticsearch or Lucene and with learning-to-rank (LambdaMART, RankNet).
- Proficient in Java or Python.
"""


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank.load(Settings().questions_dir)


@pytest.fixture(scope="module")
def maker(bank: QuestionBank, seeded_index: KnowledgeIndex) -> QuizMaker:
    return QuizMaker(bank, seeded_index)


# ----- role profiles ---------------------------------------------------------------------------------
def test_multimodal_role_weights_multimodal_over_cpp(maker: QuizMaker, seeded_index: KnowledgeIndex) -> None:
    """The San Jose multimodal role weights `multimodal` above `cpp`, and highest of all topics."""
    profile = maker.profile(seeded_index.role(MM))
    assert profile.weights["multimodal"] > profile.weights["cpp"]
    assert profile.ranked()[0][0] == "multimodal"


def test_ecommerce_profile_is_recsys_heavy_with_real_why_lines(maker: QuizMaker,
                                                               seeded_index: KnowledgeIndex) -> None:
    """The e-commerce PhD role puts recsys first; its why-lines are the posting's own requirement lines."""
    posting = seeded_index.role(ECOM)
    profile = maker.profile(posting)
    assert profile.ranked()[0][0] == "recsys" and profile.weights["recsys"] > 0.15
    lines = {line.text: line.section for line in posting.lines}
    assert profile.why["recsys"], "recsys has no why-lines"
    for text in profile.why["recsys"]:
        assert lines.get(text) in {"about", "responsibilities", "minimum_qualifications", "preferred_qualifications"}
    assert any("generative recommendation" in text for text in profile.why["recsys"])


def test_weights_sum_to_one_with_a_floor(maker: QuizMaker, seeded_index: KnowledgeIndex) -> None:
    """Every role's weights sum to 1 and every topic keeps at least its share of the floor."""
    for posting in seeded_index.roles():
        weights = maker.profile(posting).weights
        assert set(weights) == set(maker.topics())
        assert sum(weights.values()) == pytest.approx(1.0)
        # Weights are float64: the renormalising division can move a value by a few ulps (~1e-16),
        # never by more than 1e-12, so the floor holds up to that rounding.
        assert min(weights.values()) >= FLOOR_SHARE / len(weights) - 1e-12


# ----- quizzes ---------------------------------------------------------------------------------------
def test_role_quiz_mixes_bank_and_posting_questions_without_repeats(maker: QuizMaker) -> None:
    """A 20-question role quiz has 20 distinct ids, bank and posting questions, all tagged with the role."""
    quiz = maker.make_quiz(role=ECOM, n=20, seed=3)
    ids = [q.id for q in quiz.questions]
    assert len(ids) == 20 == len(set(ids))
    assert {q.source for q in quiz.questions} == {"bank", "posting"}
    assert all(q.role_id == ECOM for q in quiz.questions)
    texts = {q.question.lower() for q in quiz.questions}
    assert len(texts) == 20


def test_posting_questions_are_grounded_in_the_role_lines(maker: QuizMaker, seeded_index: KnowledgeIndex) -> None:
    """The diffusion-models line becomes a question about applying diffusion models to recommendation."""
    posting = seeded_index.role(ECOM)
    grounded = maker.posting_questions(posting)
    diffusion = [q for q in grounded if "diffusion models" in q.question]
    assert diffusion, [q.question for q in grounded]
    question = diffusion[0]
    # asked as an interviewer would, about the technique, without pasting the posting's line
    assert "explore generative recommendation techniques" not in question.question.lower()
    assert "recommendation" in question.question and "offline and online" in question.question
    assert "Explore generative recommendation techniques" in question.why
    assert 3 <= len(question.key_points) <= 6 and question.follow_ups
    line_texts = {line.text for line in posting.lines}
    assert all(q.why.split("“", 1)[1].rstrip("”") in line_texts for q in grounded if len(q.why) < 300)


def test_topic_filter_is_exact(maker: QuizMaker) -> None:
    """With a topic, every question (bank or posting) has exactly that topic."""
    for topic in ("recsys", "pytorch", "cpp"):
        quiz = maker.make_quiz(role=ECOM, topic=topic, n=8, seed=1)
        assert quiz.questions and {q.topic for q in quiz.questions} == {topic}
    pytorch = maker.make_quiz(role=ECOM, topic="pytorch", n=20, seed=2)
    assert any(q.source == "posting" for q in pytorch.questions)


def test_difficulty_filter_and_same_seed_same_quiz(maker: QuizMaker) -> None:
    """A seed reproduces the quiz exactly; another seed gives another; difficulty is honoured."""
    first = maker.make_quiz(role="e-commerce", difficulty="hard", n=6, seed=42)
    again = maker.make_quiz(role="e-commerce", difficulty="hard", n=6, seed=42)
    other = maker.make_quiz(role="e-commerce", difficulty="hard", n=6, seed=43)
    assert [q.id for q in first.questions] == [q.id for q in again.questions]
    assert [q.id for q in first.questions] != [q.id for q in other.questions]
    assert {q.difficulty for q in first.questions} == {"hard"}


def test_no_role_draws_evenly_as_general_practice(maker: QuizMaker) -> None:
    """Without a role, questions come from the bank across many topics and say why: general practice."""
    quiz = maker.make_quiz(n=20, seed=5)
    assert quiz.role is None and all(q.source == "bank" and q.role_id is None for q in quiz.questions)
    assert len({q.topic for q in quiz.questions}) >= 8
    assert all("general practice" in q.why for q in quiz.questions)


def test_bank_why_names_the_role_lines(maker: QuizMaker) -> None:
    """A bank question in a role quiz quotes the posting line that weighted its topic."""
    quiz = maker.make_quiz(role=ECOM, topic="recsys", n=6, seed=9)
    bank_whys = [q.why for q in quiz.questions if q.source == "bank"]
    assert bank_whys and all("because the posting says" in why and "“" in why for why in bank_whys)


def test_bs_ms_role_skips_phd_questions(maker: QuizMaker, bank: QuestionBank) -> None:
    """A BS/MS role never draws phd-level bank questions; a PhD role does draw them."""
    bsms = maker.make_quiz(role=BSMS, n=20, seed=4)
    assert all(bank.get(q.id).level in {"any", "bs-ms"} for q in bsms.questions if q.source == "bank")
    phd_levels = {bank.get(q.id).level for seed in range(5)
                  for q in maker.make_quiz(role=ECOM, topic="recsys", n=20, seed=seed).questions if q.source == "bank"}
    assert "phd" in phd_levels


def test_exclude_is_respected(maker: QuizMaker) -> None:
    """Questions in `exclude` are never drawn again."""
    first = maker.make_quiz(role=ECOM, n=10, seed=7)
    seen = {q.id for q in first.questions}
    second = maker.make_quiz(role=ECOM, n=10, seed=7, exclude=seen)
    assert not seen & {q.id for q in second.questions}


def test_to_dict_has_exactly_the_contract_fields(maker: QuizMaker) -> None:
    """to_dict() is {role: {id, title}, questions: [{id, topic, difficulty, question, why, key_points, source}]}."""
    data = maker.make_quiz(role=MM, n=5, seed=1).to_dict()
    assert set(data) == {"role", "questions"} and data["role"] == {
        "id": MM, "title": "Machine Learning Engineer Intern (TikTok Short Video Content Understanding/Multimodal "
                          "Recommendation)"}
    for question in data["questions"]:
        assert set(question) == {"id", "topic", "difficulty", "question", "why", "key_points", "source"}
        assert question["source"] in {"bank", "posting"} and isinstance(question["key_points"], list)
    assert maker.make_quiz(n=1, seed=1).to_dict()["role"] is None


def test_question_rebuilds_bank_and_posting_ids(maker: QuizMaker) -> None:
    """question(id) returns the same bank question and rebuilds a posting question from its id alone."""
    quiz = maker.make_quiz(role=ECOM, n=10, seed=11)
    for asked in quiz.questions:
        again = maker.question(asked.id)
        assert (again.id, again.question, again.key_points, again.topic) == (
            asked.id, asked.question, asked.key_points, asked.topic)
    with pytest.raises(UnknownQuestion, match="no-such-question"):
        maker.question("no-such-question")
    with pytest.raises(UnknownQuestion, match="no longer indexed"):
        maker.question("posting-some-deleted-role-12-0")
    with pytest.raises(UnknownQuestion, match="line 999"):
        maker.question(f"posting-{ECOM}-999-0")


def test_posting_ids_stay_short_and_parse_back() -> None:
    """Posting ids are at most 100 characters: long role ids are hashed, and every id parses back."""
    long_role = "acme-" + "very-long-title-words-" * 5 + "phd"
    for role_id in (ECOM, long_role):
        question_id = posting_question_id(role_id, 1234, 3)
        assert len(question_id) <= MAX_ID_CHARS
        key, line_no, k = parse_posting_id(question_id)
        assert (line_no, k) == (1234, 3)
    assert posting_question_id(ECOM, 47, 0) == f"posting-{ECOM}-47-0"
    assert not posting_question_id(long_role, 1, 0).startswith(f"posting-{long_role}")


# ----- errors ----------------------------------------------------------------------------------------
def test_unknown_role_lists_valid_roles(maker: QuizMaker) -> None:
    """An unknown role raises RoleNotFound whose message names every indexed role (by title, not id:
    issue 10 keeps raw ids out of the words people read)."""
    with pytest.raises(RoleNotFound) as caught:
        maker.make_quiz(role="astronaut")
    assert "E-Commerce" in str(caught.value) and "Multimodal" in str(caught.value) and ECOM not in str(caught.value)


def test_ambiguous_role_lists_the_matches(maker: QuizMaker) -> None:
    """'PhD' matches two roles: the error names both (by title) instead of picking one silently."""
    with pytest.raises(AmbiguousRole) as caught:
        maker.make_quiz(role="PhD")
    assert "E-Commerce" in str(caught.value) and "Research Scientist Intern" in str(caught.value)
    assert ECOM not in str(caught.value)


def test_unknown_topic_lists_valid_topics(maker: QuizMaker) -> None:
    """An unknown topic raises UnknownTopic listing the bank's topics."""
    with pytest.raises(UnknownTopic) as caught:
        maker.make_quiz(topic="astrology")
    assert "recsys" in str(caught.value) and "behavioral" in str(caught.value)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"n": 0}, "1 to 20"), ({"n": 21}, "1 to 20"), ({"difficulty": "brutal"}, "easy, medium, hard"),
])
def test_bad_size_or_difficulty_is_clear(maker: QuizMaker, kwargs: dict, message: str) -> None:
    """n outside 1..20 and an unknown difficulty raise InvalidQuizRequest with the valid range."""
    with pytest.raises(InvalidQuizRequest, match=message):
        maker.make_quiz(**kwargs)


# ----- a posting the bank covers thinly ----------------------------------------------------------------
def test_search_posting_gets_questions_about_its_own_stack(fresh_index: KnowledgeIndex, bank: QuestionBank,
                                                           tmp_path: Path) -> None:
    """A search-ranking posting (BM25, learning-to-rank) gets posting questions on BM25 and LTR, topic search."""
    path = tmp_path / "search-relevance.md"
    path.write_text(SEARCH_POSTING)
    fresh_index.ingest([path])
    maker = QuizMaker(bank, fresh_index)
    role = fresh_index.roles()[0]
    assert maker.profile(role).ranked()[0][0] == "search"
    quiz = maker.make_quiz(role="search relevance", topic="search", n=20, seed=0)
    grounded = [q for q in quiz.questions if q.source == "posting"]
    text = " ".join(q.question for q in grounded)
    assert "BM25" in text and "learning-to-rank" in text and "Elasticsearch" in text
    assert {q.topic for q in quiz.questions} == {"search"}
    bm25 = next(q for q in maker.posting_questions(role) if "BM25" in q.question and q.source == "posting"
                and "BM25" in q.question.split("?")[0])
    assert any("BM25" in point and "IDF" in point for point in bm25.key_points)  # the bank's facts, borrowed
    assert maker.question(bm25.id) == bm25


# ----- CLI ---------------------------------------------------------------------------------------------
@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, seeded_index: KnowledgeIndex):
    """Runs `prepbot ...` in-process over the session's index (no second model load or ingest)."""
    from bot import cli as cli_module
    from bot.core.services import Services

    class IndexedServices(Services):
        def __init__(self, settings: Settings) -> None:
            super().__init__(settings)
            self.__dict__["index"] = seeded_index

    monkeypatch.setattr(cli_module, "Services", IndexedServices)
    return cli_module.main


def test_cli_quiz_json_is_one_object(cli, capsys: pytest.CaptureFixture[str]) -> None:
    """`prepbot quiz --role ... --json` prints exactly the contract object, reproducibly with --seed."""
    import json

    assert cli(["quiz", "--role", "multimodal", "-n", "4", "--seed", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["role"]["id"] == MM and len(data["questions"]) == 4
    assert cli(["quiz", "--role", "multimodal", "-n", "4", "--seed", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == data


def test_cli_quiz_human_output_and_errors(cli, capsys: pytest.CaptureFixture[str]) -> None:
    """Human output lists the questions with ids and why; bad input is one stderr line and exit 1."""
    assert cli(["quiz", "--topic", "cpp", "--difficulty", "easy", "-n", "2", "--seed", "2"]) == 0
    printed = capsys.readouterr().out
    assert "2 questions for general practice" in printed and "id: cpp-" in printed and "Why:" in printed
    for argv, expected in [(["quiz", "--role", "astronaut"], "E-Commerce"), (["quiz", "--topic", "astrology"], "recsys"),
                           (["quiz", "-n", "0"], "1 to 20"), (["quiz", "--difficulty", "brutal"], "easy")]:
        assert cli(argv) == 1
        captured = capsys.readouterr()
        assert captured.out == "" and expected in captured.err and len(captured.err.strip().splitlines()) == 1
