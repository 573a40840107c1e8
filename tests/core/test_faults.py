"""Injected faults: a Chroma server that stops and comes back, PostgreSQL restarting under writes,
`kill -9` during `prepbot ingest`, and corrupt or unusable data directories. In each the user gets
a clear message, nothing acknowledged is lost, and the same objects recover without a restart."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from benchmarks.synthetic import write_postings
from bot.config import PROJECT_ROOT
from bot.core.answers import AnswerEngine
from bot.core.chunks import chunk_posting
from bot.core.embeddings import CachedEmbeddings
from bot.core.errors import KnowledgeBaseUnavailable
from bot.core.index import KnowledgeIndex
from bot.core.ingest import read_candidate
from bot.core.state import StateStore, StateUnavailable
from bot.core.state.store import UNAVAILABLE as STATE_UNAVAILABLE
from bot.core.store import EMBED_BATCH, UNAVAILABLE
from tests.conftest import SEED_POSTINGS

if TYPE_CHECKING:
    from tests.servers import PostgresCluster

pytest_plugins = ["tests.servers"]

PASSAGE = "diffusion models for recommendation"  # a free question across roles: needs a Chroma query
FIELD = "what does the e-commerce PhD role pay?"  # answered from the parsed postings held in memory
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
REBUILD = "move it aside and run `prepbot ingest knowledge/postings`"


HANG_GUARD = 120.0  # seconds; retry budgets are ~1-2 s, so only a real hang gets near this


def poll_until(predicate, timeout: float = HANG_GUARD) -> None:
    """Wait for a condition other threads make true (poll with a deadline, never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached: the test is hung"
        time.sleep(0.01)


def returns_within_hang_guard(call, expected: type[BaseException]) -> BaseException:
    """Run `call` in a thread; it must raise `expected`, and return at all (a retry, not a hang).

    The guard is generous on purpose: how fast the retry budget runs out depends on the machine,
    what the test checks is that it does run out."""
    outcome: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            call()
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            outcome.append(err)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(HANG_GUARD), "the call hung instead of giving up after its retries"
    assert outcome and isinstance(outcome[0], expected), outcome
    return outcome[0]


# ----- Chroma server stops mid-conversation --------------------------------------------------------
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["stopped", "killed"])
def test_chroma_server_down_then_back(start_chroma, tmp_path: Path, embeddings: CachedEmbeddings, how) -> None:
    """While the server is away, questions needing it get the friendly message and field answers still
    work; once it is back (same --path) the same index answers again."""
    server = start_chroma()
    index = KnowledgeIndex(tmp_path, "", chroma_url=server.url, embeddings=embeddings)
    index.ingest([SEED_POSTINGS])
    engine = AnswerEngine(index)
    before = engine.answer(PASSAGE)
    assert before.citations and "Diffusion Models" in before.text

    server.stop(how)
    index._role_vectors.clear()  # a process that has not searched these roles yet: it must ask the server
    down = returns_within_hang_guard(lambda: engine.answer(PASSAGE), KnowledgeBaseUnavailable)
    assert str(down) == UNAVAILABLE
    assert not isinstance(down.__cause__, KnowledgeBaseUnavailable)
    field = engine.answer(FIELD)  # needs no Chroma: parsed postings are in memory
    assert field.kind == "field" and "$57" in field.text and field.citations
    assert len(index.roles()) == 4
    with pytest.raises(KnowledgeBaseUnavailable, match="unavailable right now"):
        index.ingest([SEED_POSTINGS])
    with pytest.raises(KnowledgeBaseUnavailable, match=server.url):
        KnowledgeIndex(tmp_path, "", chroma_url=server.url, embeddings=embeddings)

    server.start()
    after = engine.answer(PASSAGE)
    assert after.text == before.text and [c.quote for c in after.citations] == [c.quote for c in before.citations]
    assert index.ingest([SEED_POSTINGS]).count("unchanged") == 4


# ----- PostgreSQL restarts under writes ------------------------------------------------------------
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_restart_during_writes(own_postgres: PostgresCluster, mode: str) -> None:
    """Writers keep going through `pg_ctl restart`: every write is retried to success or reported with
    StateUnavailable; every acknowledged write is in the database afterwards."""
    store = StateStore(own_postgres.create_database(), retry_seconds=15)
    acknowledged: dict[str, list[str]] = defaultdict(list)
    reported: list[tuple[str, str]] = []
    surprises: list[BaseException] = []
    stop = threading.Event()
    restarted = threading.Event()
    after_restart = defaultdict(int)

    def writer(number: int) -> None:
        user = f"user{number}"
        for i in range(100_000):
            if stop.is_set():
                return
            key = f"{user}-{i}"
            try:
                if i % 3 == 0:
                    store.record_answer(user, "1", key, "llm", key, 1, 2, T0)  # not idempotent
                    acknowledged["answers"].append(key)
                elif i % 3 == 1:
                    store.save_session(user, key, {"i": i}, T0)  # an upsert: idempotent
                    acknowledged["sessions"].append(key)
                else:
                    store.append_turn(user, "user", key, T0)  # not idempotent
                    acknowledged["turns"].append(key)
                if restarted.is_set():
                    after_restart[number] += 1
            except StateUnavailable as err:
                reported.append((key, str(err)))
            except BaseException as err:  # anything else would be a raw driver error reaching a user
                surprises.append(err)
                return

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        poll_until(lambda: sum(len(v) for v in acknowledged.values()) > 20 or surprises)
        acknowledged_before = sum(len(v) for v in acknowledged.values())
        own_postgres.restart(mode)
        restarted.set()
        poll_until(lambda: all(after_restart[n] > 0 for n in range(4)) or surprises)  # every writer got through
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert not surprises, surprises
    assert acknowledged_before > 20 and all(after_restart[n] > 0 for n in range(4)), after_restart
    assert store.retries > 0  # the restart really hit in-flight calls, and they were run again
    assert all("try again" in text or "may not have been saved" in text for _, text in reported)
    with store.engine.connect() as conn:
        answers = set(conn.exec_driver_sql("SELECT answer FROM answers").scalars())
        sessions = set(conn.exec_driver_sql("SELECT kind FROM sessions").scalars())
        turns = set(conn.exec_driver_sql("SELECT text FROM turns").scalars())
    assert set(acknowledged["answers"]) <= answers
    assert set(acknowledged["sessions"]) <= sessions
    assert set(acknowledged["turns"]) <= turns
    stray = (answers - set(acknowledged["answers"])) | (turns - set(acknowledged["turns"]))
    assert stray <= {key for key, _ in reported}  # a row nobody acknowledged was at least reported
    store.close()


def test_postgres_down_is_reported_then_recovers(own_postgres: PostgresCluster) -> None:
    """A database that stays away past the retry window gives a readable StateUnavailable; the same
    store works again once the server is back, and opening one while it is down names the URL."""
    url = own_postgres.create_database()
    store = StateStore(url, retry_seconds=1.0)
    store.set_target_role("u1", "ml-engineer")
    own_postgres.stop()
    down = returns_within_hang_guard(lambda: store.get_target_role("u1"), StateUnavailable)
    assert str(down) == STATE_UNAVAILABLE
    with pytest.raises(StateUnavailable, match=r"127\.0\.0\.1.*Check DATABASE_URL"):
        StateStore(url, retry_seconds=0.5)
    own_postgres.start()
    assert store.get_target_role("u1") == "ml-engineer"
    store.set_target_role("u1", "research-scientist")
    assert store.get_target_role("u1") == "research-scientist"
    store.close()


# ----- kill -9 during prepbot ingest -------------------------------------------------------------------
def _ingest(data: Path, *paths: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "--data-dir", str(data), "ingest", *map(str, paths)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _audit(data: Path, tmp_path: Path, embeddings: CachedEmbeddings) -> tuple[dict[str, str], dict[str, int], int]:
    """Open a copy of the index as a restarted process would; check every recorded role is complete.

    Returns (role -> recorded version, role -> its chunk count, chunks stored in all)."""
    copy = tmp_path / f"audit-{time.monotonic_ns()}"
    shutil.copytree(data, copy)  # a copy: this process never opens the folder the subprocess writes
    index = KnowledgeIndex(copy, "", embeddings=embeddings)
    collection = index.store.chunks._collection
    versions, counts = {}, {}
    for posting in index.roles():
        expected = {c.id for c in chunk_posting(posting, embeddings.token_count)}
        stored = collection.get(where={"role_id": posting.role_id}, include=["metadatas"])
        of_version = {cid for cid, meta in zip(stored["ids"], stored["metadatas"], strict=True)
                      if meta["version"] == posting.content_hash}
        assert of_version == expected, f"{posting.role_id} is half-indexed"
        versions[posting.role_id] = posting.content_hash
        counts[posting.role_id] = len(expected)
    hits = index.search("two-tower retrieval models with PyTorch", k=8)
    assert hits and all(versions[h.chunk.role_id] == h.chunk.id.split(":")[1] for h in hits)
    return versions, counts, collection.count()


def _chroma_log_position(database: Path) -> int:
    """The highest sequence number in Chroma's write-ahead log, read through a read-only connection."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)) as conn:
        return int(conn.execute("SELECT COALESCE(MAX(seq_id), 0) FROM embeddings_queue").fetchone()[0])


def _versions(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.iterdir()):
        posting = read_candidate(path).posting
        if posting is not None:
            found.setdefault(posting.role_id, posting.content_hash)
    return found


def test_kill_9_during_ingest_never_half_indexes(tmp_path: Path, embeddings: CachedEmbeddings) -> None:
    """SIGKILL while `prepbot ingest` indexes 80 postings (20 of them new versions of indexed roles):
    every role is its old or its new version with all of its chunks; re-running the ingest completes
    it and leaves no stale chunks."""
    staging, postings, data = tmp_path / "staging", tmp_path / "postings", tmp_path / "data"
    synthetic = write_postings(staging, 80)  # well over EMBED_BATCH new chunks: the kill lands between batches
    postings.mkdir()
    for path in synthetic[:20]:  # first the seeds and 20 postings, completely
        shutil.copy(path, postings)
    first = _ingest(data, postings, SEED_POSTINGS)
    assert first.wait(timeout=240) == 0, first.stdout.read()
    old = _versions(postings) | _versions(SEED_POSTINGS)
    for path in synthetic:  # then all 80, each with new text: 20 roles get a new version, 60 are new
        (postings / path.name).write_text(path.read_text() + "\nBonus: Experience with JAX and Triton kernels.\n")
    new = _versions(postings) | _versions(SEED_POSTINGS)
    assert old.keys() < new.keys() and len(new) == 84 and sum(new[r] != old.get(r) for r in new) == 80

    # Kill once the first batch of new chunks is committed to Chroma's log (its sequence number moved),
    # while later batches are still being embedded: well before the role records, the commit point.
    database = data / "chroma" / "chroma.sqlite3"
    logged = _chroma_log_position(database)
    killed = _ingest(data, postings, SEED_POSTINGS)

    def first_batch_written() -> bool:
        assert killed.poll() is None, "the ingest finished before it could be killed"
        return _chroma_log_position(database) > logged

    poll_until(first_batch_written, timeout=240)
    killed.send_signal(signal.SIGKILL)
    assert killed.wait(timeout=30) == -signal.SIGKILL

    versions, counts, stored = _audit(data, tmp_path, embeddings)
    assert all(versions[r] in (old.get(r), new[r]) for r in versions)
    assert versions == old  # killed before the commit point...
    left_over = stored - sum(counts.values())
    assert left_over > 0  # ...with chunks of the uncommitted new versions already written (never searched)

    rerun = _ingest(data, postings, SEED_POSTINGS)
    assert rerun.wait(timeout=240) == 0
    output = rerun.stdout.read()
    versions, counts, stored = _audit(data, tmp_path, embeddings)
    assert versions == new
    assert stored == sum(counts.values())  # no stale or leftover chunks
    changed = sum(counts[r] for r in new if new[r] != old.get(r))
    assert changed > 2 * EMBED_BATCH  # the premise: the new versions span several batches
    assert f"chunks written: {changed - left_over};" in output  # it resumed: stored chunks are not re-embedded


def test_leftovers_of_an_interrupted_sweep_are_removed(fresh_index: KnowledgeIndex, postings_copy: Path) -> None:
    """Chunks an ingest killed after its commit point would leave (an old version, a retired role) are
    deleted by the next ingest, even when nothing changed."""
    fresh_index.ingest([postings_copy])
    clean = fresh_index.store.count()
    role = fresh_index.roles()[0]
    collection = fresh_index.store.chunks._collection
    stale = [f"{role.role_id}:oldversion:0", "retired-role:abc:0"]
    collection.upsert(
        ids=stale,
        embeddings=fresh_index.embeddings.embed_documents(["old line", "retired line"]),
        documents=["old line", "retired line"],
        metadatas=[{"role_id": role.role_id, "version": "oldversion"}, {"role_id": "retired-role", "version": "abc"}],
    )
    report = fresh_index.ingest([postings_copy])
    assert report.count("unchanged") == 4 and report.chunks_written == 0
    assert fresh_index.store.count() == clean
    assert collection.get(ids=stale)["ids"] == []


# ----- corrupt or unusable data directories ---------------------------------------------------------
def _corrupt_chroma(data: Path) -> Path:
    (data / "chroma").mkdir(parents=True)
    (data / "chroma" / "chroma.sqlite3").write_bytes(os.urandom(64 * 1024))
    return data / "chroma"


@pytest.mark.parametrize("damage", ["garbage-sqlite", "data-dir-is-a-file", "sqlite-is-a-folder"])
def test_unusable_index_folder_names_path_and_rebuild(tmp_path: Path, embeddings: CachedEmbeddings,
                                                      damage: str) -> None:
    """An index folder Chroma cannot use raises KnowledgeBaseUnavailable naming it and how to rebuild."""
    data = tmp_path / "data"
    if damage == "garbage-sqlite":
        where = _corrupt_chroma(data)
    elif damage == "data-dir-is-a-file":
        data.write_text("not a folder")
        where = data
    else:
        (data / "chroma" / "chroma.sqlite3").mkdir(parents=True)
        where = data / "chroma"
    with pytest.raises(KnowledgeBaseUnavailable) as error:
        KnowledgeIndex(data, "", embeddings=embeddings)
    assert str(where) in str(error.value) and REBUILD in str(error.value)


@pytest.mark.parametrize("damage", ["garbage-sqlite", "data-dir-is-a-file", "sqlite-is-a-folder"])
def test_unusable_state_database_names_path(tmp_path: Path, damage: str) -> None:
    """A state database that cannot be opened raises StateUnavailable naming the file and what to do."""
    data = tmp_path / "data"
    if damage == "garbage-sqlite":
        data.mkdir()
        (data / "state.sqlite3").write_bytes(os.urandom(64 * 1024))
    elif damage == "data-dir-is-a-file":
        data.write_text("not a folder")
    else:
        (data / "state.sqlite3").mkdir(parents=True)
    with pytest.raises(StateUnavailable) as error:
        StateStore.for_data_dir(data)
    assert str(data / "state.sqlite3") in str(error.value) and "move it aside" in str(error.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions, so nothing is unwritable to it")
def test_read_only_data_dir(tmp_path: Path, embeddings: CachedEmbeddings) -> None:
    """A data dir the bot may not write gives readable errors for both the index and the state."""
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o500)
    try:
        with pytest.raises(KnowledgeBaseUnavailable, match=str(data)):
            KnowledgeIndex(data, "", embeddings=embeddings).ingest([SEED_POSTINGS])
        with pytest.raises(StateUnavailable, match=str(data)):
            StateStore.for_data_dir(data)
    finally:
        data.chmod(0o700)


OPEN_STATE = textwrap.dedent("""
    import sys
    from bot import cli
    cli.PARSER_EXTENSIONS.append(lambda sub: sub.add_parser("open-state"))
    cli.command("open-state")(lambda args, services: 0 if services.state else 1)
    sys.exit(cli.main(sys.argv[1:]))
""")


@pytest.mark.parametrize("part", ["index", "state"])
def test_cli_prints_one_line_for_a_corrupt_data_dir(tmp_path: Path, part: str) -> None:
    """The CLI reports a corrupt index or state database in one line with the path, and no traceback."""
    data = tmp_path / "data"
    if part == "index":
        where = _corrupt_chroma(data)
        command = [sys.executable, "-m", "bot", "--data-dir", str(data), "roles"]
    else:
        data.mkdir()
        where = data / "state.sqlite3"
        where.write_bytes(os.urandom(64 * 1024))
        command = [sys.executable, "-c", OPEN_STATE, "--data-dir", str(data), "open-state"]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "1000"})
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and str(where) in lines[0], done.stderr

