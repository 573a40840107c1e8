"""Scopes in core: a server's or a user's postings are seen by that server / user only, everywhere
core looks (catalogue, resolver, retrieval, vocabulary, answers, quizzes, question ids, reviews)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from bot.core.answers import AnswerEngine
from bot.core.errors import KnowledgeBaseUnavailable, UnknownQuestion
from bot.core.index import KnowledgeIndex
from bot.core.questions import QuestionBank
from bot.core.quiz import QuizMaker
from bot.core.scopes import LIBRARY, BadScope, Scope, Viewer
from tests.conftest import SEED_POSTINGS
from tests.scope_postings import ZEPH, stored_vectors

pytest_plugins = ["tests.servers"]
GUILD_A, GUILD_B, ALICE, BOB = 1001, 1002, 2001, 2002
OTHER = """# Data Scientist, Pricing | Quokkaline Foods

Quokkaline Foods sells groceries online. This is a full-time role in Perth, Australia.

## Responsibilities
- Build demand forecasting models for fresh produce.
- Design pricing experiments with the merchandising team.

## Requirements
- MS in statistics or economics.
- SQL and Python.
"""
BASE_ID = "zephyrine-robotics-perception-research-intern"


@pytest.fixture
def scoped(tmp_path: Path, embeddings) -> KnowledgeIndex:
    index = KnowledgeIndex(tmp_path / "data", "", embeddings=embeddings)
    index.ingest([SEED_POSTINGS])
    return index


def _file(tmp_path: Path, name: str = "zeph.md", text: str = ZEPH) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _answer(index: KnowledgeIndex, viewer: Viewer, question: str):
    return AnswerEngine(index.view(viewer)).answer(question)


def _version(index: KnowledgeIndex, viewer: Viewer, role_id: str) -> str:
    return index.view(viewer).role(role_id).content_hash


def test_scope_keys_and_role_ids() -> None:
    assert Scope.parse("server:42").key == "server:42" and Scope.parse(" LIBRARY ") == LIBRARY
    assert Scope.server(42).role_id("ml-engineer") == "ml-engineer-s42"
    assert Scope.user(7).role_id("ml-engineer") == "ml-engineer-u7" and LIBRARY.role_id("x-y") == "x-y"
    assert Viewer(7, 42).keys == {"library", "server:42", "user:7"} and Viewer().keys == {"library"}
    with pytest.raises(BadScope, match="server:<server id>"):
        Scope.parse("guild:1")


def test_server_posting_is_seen_in_that_server_only(scoped: KnowledgeIndex, tmp_path: Path) -> None:
    """Found, resolved, searched and answered in server A; in server B and in another user's DMs it
    is not named, listed, resolved, searched, cited, or hinted at by the unknown-employer check."""
    scoped.ingest([_file(tmp_path)], scope=Scope.server(GUILD_A))
    role_id = Scope.server(GUILD_A).role_id(BASE_ID)
    in_a, in_b, dm = scoped.view(Viewer(ALICE, GUILD_A)), scoped.view(Viewer(BOB, GUILD_B)), scoped.view(Viewer(BOB))
    assert in_a.role(role_id) is not None and len(in_a.roles()) == 5
    answer = _answer(scoped, Viewer(ALICE, GUILD_A), "what does the Zephyrine perception internship pay?")
    assert "$51" in answer.text and {c.role_id for c in answer.citations} == {role_id}
    for view, viewer in ((in_b, Viewer(BOB, GUILD_B)), (dm, Viewer(BOB))):
        assert view.role(role_id) is None and len(view.roles()) == 4
        assert role_id not in {p.role_id for p in view.resolver.resolve(role_id).roles}
        assert role_id not in {p.role_id for p in view.resolver.resolve_name("zephyrine perception").roles}
        assert "zephyrine" not in view.vocabulary and "lidar" not in view.vocabulary
        assert all(hit.chunk.role_id != role_id for hit in view.search("lidar segmentation sparse convolutions"))
        assert view.search("lidar", role_ids=[role_id]) == []
        for question in ("what does the Zephyrine perception internship pay?", "which roles pay $51 per hour?",
                         "which roles mention lidar?", "compare the pay of every role", role_id):
            text = _answer(scoped, viewer, question)
            assert "$51" not in text.text and role_id not in text.text and "Oslo" not in text.text, question
            assert all(c.role_id != role_id for c in text.citations)
    assert scoped.role(role_id) is None  # the index's own API is the library's view
    assert [p.role_id for p in scoped.scope_roles(Scope.server(GUILD_A))] == [role_id]


def test_personal_posting_follows_its_owner_everywhere_and_no_one_else(scoped: KnowledgeIndex, tmp_path: Path) -> None:
    scoped.ingest([_file(tmp_path)], scope=Scope.user(ALICE))
    role_id = Scope.user(ALICE).role_id(BASE_ID)
    for viewer in (Viewer(ALICE), Viewer(ALICE, GUILD_A), Viewer(ALICE, GUILD_B)):
        view = scoped.view(viewer)
        assert view.role(role_id) is not None and view.personal([role_id]), viewer
    for viewer in (Viewer(BOB), Viewer(BOB, GUILD_A), Viewer(None, GUILD_A), Viewer()):
        view = scoped.view(viewer)
        assert view.role(role_id) is None and not view.personal([role_id])
        assert "$51" not in _answer(scoped, viewer, "what does the Zephyrine internship pay?").text


def test_same_posting_in_two_scopes_is_two_roles_and_dedupes_within_one(scoped: KnowledgeIndex, tmp_path: Path,
                                                                        embeddings) -> None:
    """Two servers adding the same file at once: two roles, each complete; the second reuses the
    first one's vectors; adding it again in the same server changes nothing."""
    path = _file(tmp_path)
    reports = {}

    def add(guild: int) -> None:
        reports[guild] = scoped.ingest([path], scope=Scope.server(guild))

    threads = [threading.Thread(target=add, args=(g,)) for g in (GUILD_A, GUILD_B)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = {g: Scope.server(g).role_id(BASE_ID) for g in (GUILD_A, GUILD_B)}
    assert all(reports[g].count("added") == 1 for g in ids)
    views = {g: scoped.view(Viewer(ALICE, g)) for g in (GUILD_A, GUILD_B)}
    a, b = (views[g].chunks_for(ids[g]) for g in (GUILD_A, GUILD_B))
    assert len(a) == len(b) > 0 and not {c.id for c in a} & {c.id for c in b}
    version = views[GUILD_A].role(ids[GUILD_A]).content_hash
    assert views[GUILD_B].role(ids[GUILD_B]).content_hash == version
    held = scoped.store.posting_vectors.get([version])[version]  # one record holds them for both servers
    assert len(held) == len({c.text for c in a})
    (_, mine), (_, theirs) = scoped.vectors_of_roles({ids[GUILD_A]: a, ids[GUILD_B]: b})
    assert np.allclose(mine, theirs, atol=1e-6)
    assert np.allclose(mine, embeddings.embed_documents([c.text for c in a]), atol=1e-5)
    assert stored_vectors(scoped, f"server:{GUILD_A}") == [f"version:{version}"]  # nothing in the chunk collection
    again = scoped.ingest([_file(tmp_path, "zeph-copy.md")], scope=Scope.server(GUILD_A))
    assert again.count("merged") == 1 and len(scoped.scope_roles(Scope.server(GUILD_A))) == 1
    assert scoped.ingest([path], scope=Scope.server(GUILD_A)).chunks_written == 0


def test_remove_and_forget_leave_no_vectors(scoped: KnowledgeIndex, tmp_path: Path) -> None:
    scoped.ingest([_file(tmp_path)], scope=Scope.server(GUILD_A))
    scoped.ingest([_file(tmp_path)], scope=Scope.user(ALICE))
    other = _file(tmp_path, "other.md", OTHER)
    scoped.ingest([other], scope=Scope.user(ALICE))
    server_role = Scope.server(GUILD_A).role_id(BASE_ID)
    shared = _version(scoped, Viewer(ALICE, GUILD_A), server_role)  # Alice added the same posting
    assert stored_vectors(scoped, f"server:{GUILD_A}") == [f"version:{shared}"]
    assert scoped.remove(Scope.server(GUILD_B), server_role) is None  # another server cannot remove it
    assert scoped.remove(Scope.server(GUILD_A), server_role).title == "Perception Research Intern"
    assert stored_vectors(scoped, f"server:{GUILD_A}") == [] and scoped.view(Viewer(ALICE, GUILD_A)).role(server_role) is None
    assert shared in scoped.store.posting_vectors.ids()  # Alice's role still uses it
    assert len(stored_vectors(scoped, "user:2001")) == 2
    assert scoped.forget(Scope.user(ALICE)) == 2
    assert stored_vectors(scoped, "user:2001") == [] and scoped.view(Viewer(ALICE)).roles() == scoped.roles()
    assert shared not in scoped.store.posting_vectors.ids()
    assert scoped.store.owned_role_ids("user:2001") == []
    assert len(scoped.roles()) == 4  # the library is untouched


def test_removal_during_a_question_answers_from_what_it_saw(scoped: KnowledgeIndex, tmp_path: Path) -> None:
    """A view taken before a removal still answers consistently (its catalogue is a snapshot); the
    next view no longer has the role, and its vectors are gone from the store."""
    scoped.ingest([_file(tmp_path)], scope=Scope.server(GUILD_A))
    role_id = Scope.server(GUILD_A).role_id(BASE_ID)
    before = scoped.view(Viewer(ALICE, GUILD_A))
    engine = AnswerEngine(before)
    scoped.remove(Scope.server(GUILD_A), role_id)
    answer = engine.answer("what does the Zephyrine internship pay?")
    assert "$51" in answer.text  # the field answer comes from the snapshot's parsed posting
    engine.answer("what lidar models will I train?")  # the vectors are gone: no error, plain retrieval
    after = scoped.view(Viewer(ALICE, GUILD_A))
    assert after.role(role_id) is None and "$51" not in AnswerEngine(after).answer("what does Zephyrine pay?").text


def test_question_ids_and_reviews_do_not_cross_scopes(scoped: KnowledgeIndex, tmp_path: Path, embeddings) -> None:
    """A posting question id (as carried in a Discord custom id or stored on a review card) rebuilds
    for its owner and is unknown anywhere else."""
    scoped.ingest([_file(tmp_path)], scope=Scope.user(ALICE))
    role_id = Scope.user(ALICE).role_id(BASE_ID)
    bank = QuestionBank.load(Path(__file__).resolve().parents[2] / "knowledge" / "questions")
    maker = QuizMaker(bank, scoped.view(Viewer(ALICE)))
    quiz = maker.make_quiz(role=role_id, n=5, seed=1)
    posting_ids = [q.id for q in quiz.questions if q.id.startswith("posting-")]
    assert posting_ids and role_id in posting_ids[0]
    for viewer in (Viewer(BOB), Viewer(BOB, GUILD_A), Viewer(None, GUILD_A)):
        other = QuizMaker(bank, scoped.view(viewer))
        with pytest.raises(UnknownQuestion):
            other.question(posting_ids[0])
    assert maker.question(posting_ids[0]).id == posting_ids[0]
    assert QuizMaker(bank, scoped.view(Viewer(ALICE, GUILD_B))).question(posting_ids[0]).id == posting_ids[0]


# ----- a Chroma server restart with scoped data ------------------------------------------------------

def test_scoped_data_survives_a_chroma_server_restart(start_chroma, tmp_path: Path, embeddings, monkeypatch) -> None:
    """Scoped roles live on the server: while it is away, a scope not yet in memory is reported as
    unavailable (never as empty, which would look like "no such posting"); after a restart the same
    process and a new one see the same scopes, still isolated, and removal works again."""
    server = start_chroma()
    index = KnowledgeIndex(tmp_path / "a", "", chroma_url=server.url, embeddings=embeddings)
    index.ingest([SEED_POSTINGS])
    index.ingest([_file(tmp_path)], scope=Scope.server(GUILD_A))
    index.ingest([_file(tmp_path)], scope=Scope.user(ALICE))
    question = "what does the Zephyrine perception internship pay?"
    assert "$51" in _answer(index, Viewer(BOB, GUILD_A), question).text

    server.stop()
    with pytest.raises(KnowledgeBaseUnavailable):
        index.view(Viewer(BOB, GUILD_B))  # server B's catalogue was never read: it cannot be now
    with pytest.raises(KnowledgeBaseUnavailable):
        index.remove(Scope.server(GUILD_A), Scope.server(GUILD_A).role_id(BASE_ID))
    server.start()

    other_process = KnowledgeIndex(tmp_path / "b", "", chroma_url=server.url, embeddings=embeddings)
    for each in (index, other_process):
        assert "$51" in _answer(each, Viewer(BOB, GUILD_A), question).text
        assert "$51" in _answer(each, Viewer(ALICE), question).text
        assert "$51" not in _answer(each, Viewer(BOB, GUILD_B), question).text
        assert "$51" not in _answer(each, Viewer(BOB), question).text
    assert index.remove(Scope.server(GUILD_A), Scope.server(GUILD_A).role_id(BASE_ID)) is not None
    assert stored_vectors(other_process, f"user:{ALICE}")  # the same posting: its vectors stay for Alice
    assert stored_vectors(other_process, f"server:{GUILD_A}") == []
    assert other_process.forget(Scope.user(ALICE)) == 1 and stored_vectors(index, f"user:{ALICE}") == []
    # A posting one shard process adds shows in another once its copy of that scope is older than SCOPE_TTL.
    assert index.view(Viewer(BOB)).roles() == index.roles()
    other_process.ingest([_file(tmp_path)], scope=Scope.user(BOB))
    monkeypatch.setattr("bot.core.index.SCOPE_TTL", 0.0)
    assert index.view(Viewer(BOB)).role(Scope.user(BOB).role_id(BASE_ID)) is not None


def test_the_llm_context_holds_only_visible_postings(scoped: KnowledgeIndex, tmp_path: Path) -> None:
    """The LLM engine, scoped like the Services do it, builds its prompt's sources and role list from
    the viewer's postings only: another server's posting never reaches the model."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from bot.core.llm import LLMAnswerEngine
    from bot.core.scoped import rebind

    scoped.ingest([_file(tmp_path)], scope=Scope.server(GUILD_A))
    role_id = Scope.server(GUILD_A).role_id(BASE_ID)
    engine = LLMAnswerEngine(AnswerEngine(scoped), FakeListChatModel(responses=["unused"]))
    for viewer, visible in ((Viewer(ALICE, GUILD_A), True), (Viewer(BOB, GUILD_B), False), (Viewer(BOB), False)):
        mine = rebind(engine, scoped.view(viewer))
        assert mine.offline.index.viewer == viewer and mine.index.viewer == viewer
        sources = mine.sources_for("lidar segmentation with sparse convolutions", [])
        assert any(s.posting.role_id == role_id for s in sources) is visible
        assert (role_id in {p.role_id for p in mine.index.roles()}) is visible


def test_button_tokens_replayed_in_another_scope_find_nothing(scoped: KnowledgeIndex, tmp_path: Path) -> None:
    """A Discord custom id carries a posting question's role as a hash, decoded against the roles the
    clicking user may see: replayed by someone who cannot see the posting, it is unknown."""
    from bot.discord_app.question_ids import decode, encode

    scoped.ingest([_file(tmp_path)], scope=Scope.user(ALICE))
    role_id = Scope.user(ALICE).role_id(BASE_ID)
    token = encode(f"posting-{role_id}-11-1")
    assert token is not None and token.startswith("~posting-@") and role_id not in token
    assert decode(token, scoped.view(Viewer(ALICE, GUILD_B)).roles()) == f"posting-{role_id}-11-1"
    for viewer in (Viewer(BOB), Viewer(BOB, GUILD_A), Viewer(None, GUILD_B)):
        with pytest.raises(UnknownQuestion):
            decode(token, scoped.view(viewer).roles())


def test_review_cards_come_back_only_where_their_posting_is_visible(scoped: KnowledgeIndex, tmp_path: Path) -> None:
    """A card practised on server A's posting is due in server A; the same user's /review in DMs or
    in server B skips it (the card is kept, not answered with another scope's posting)."""
    from datetime import UTC, datetime, timedelta

    from bot.config import Settings
    from bot.core.scoped import for_viewer
    from bot.core.services import Services

    scoped.ingest([_file(tmp_path)], scope=Scope.server(GUILD_A))
    role_id = Scope.server(GUILD_A).role_id(BASE_ID)
    services = Services(Settings(PREPBOT_DATA_DIR=str(tmp_path / "state"), LLM_PROVIDER=None, DATABASE_URL=None,
                                 CHROMA_URL=None))
    services.__dict__["index"] = scoped
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    in_a = for_viewer(services, Viewer(BOB, GUILD_A)).engine()
    question = next(q for q in in_a.services.quiz_maker.make_quiz(role=role_id, n=8, seed=2).questions
                    if q.id.startswith("posting-"))
    in_a.rate(str(BOB), question.id, "good", now)
    later = now + timedelta(days=60)
    assert [q.id for q in in_a.due_reviews(str(BOB), later)] == [question.id]
    for viewer in (Viewer(BOB), Viewer(BOB, GUILD_B)):
        assert for_viewer(services, viewer).engine().due_reviews(str(BOB), later) == []
    assert services.state.get_card(str(BOB), question.id) is not None  # skipped, not deleted


def test_forget_with_the_store_down_is_finished_when_it_is_back(scoped: KnowledgeIndex, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """/forget deletes the rows at once; vectors the store could not delete then are owed in the database
    (same transaction) and deleted by the next retry once the store answers, never left behind."""
    from types import SimpleNamespace

    from bot.core.forget import finish_pending_forgets, forget_user
    from bot.core.state import StateStore

    scoped.ingest([_file(tmp_path)], scope=Scope.user(ALICE))
    state = StateStore.for_data_dir(tmp_path / "state")
    state.set_target_role(str(ALICE), BASE_ID)
    services = SimpleNamespace(state=state, index=scoped)
    real_delete = scoped.store.delete_owner

    def down(_owner: str) -> None:
        raise KnowledgeBaseUnavailable("the knowledge base is unreachable")

    monkeypatch.setattr("bot.core.forget.NOW_ATTEMPTS", 1)
    monkeypatch.setattr(scoped.store, "delete_owner", down)
    forgotten = forget_user(services, str(ALICE))
    assert forgotten.postings_pending and "as soon as it is back" in forgotten.describe()
    assert state.get_target_role(str(ALICE)) is None  # the rows went at once
    assert state.pending_forgets() == [f"user:{ALICE}"] and stored_vectors(scoped, f"user:{ALICE}")
    assert finish_pending_forgets(services) == [] and state.pending_forgets() == [f"user:{ALICE}"]  # still down

    monkeypatch.setattr(scoped.store, "delete_owner", real_delete)
    reopened = StateStore.for_data_dir(tmp_path / "state")  # the debt survives a restart
    assert finish_pending_forgets(SimpleNamespace(state=reopened, index=scoped)) == [f"user:{ALICE}"]
    assert stored_vectors(scoped, f"user:{ALICE}") == [] and reopened.pending_forgets() == []
    assert scoped.store.owned_role_ids(f"user:{ALICE}") == []
