"""Scopes at scale: about 10,000 roles over 500 servers and 2,000 students, on the embedded store
and on a Chroma server, measured in one run.

The index holds the library (the bundled + development postings) and, for every server and every
student, a few postings drawn from a pool of synthetic ones, so the same posting repeats across
scopes as it will in life; copies share their version's vectors record (each chunk text is embedded
once). Roles are written through the store the way an ingest writes them (a vectors record per
posting version, then the role records with their owner), in large batches rather than 2,500
separate ingests, to keep the set-up short.

Measured:
- ask: the whole offline answer (`AnswerEngine` over the viewer's `IndexView`) for a random viewer
  (a student in a server: library + that server's + their own postings). "cold" = the first question
  of a viewer whose scopes are not in memory yet (their catalogues and vectors are read from the
  store), "warm" = a later one. Target: p95 <= 100 ms.
- the scope filter's cost: a viewer's hybrid search inside the 10,000-role index against the same
  search in an index that holds only that viewer's roles, as its library, unscoped (the same size).
- memory: this process's RSS after the asks ("rss_after_asks_mb": what a bot process holds at this
  size after answering that many viewers, its caches filled; with the embedded store it includes
  Chroma's own segments) and after the process also adds a personal posting through a real ingest
  ("rss_after_add_mb"; a write into Chroma's chunk collection would load its whole HNSW segment) —
  the figures for the target, <= 1 GB — and once everything ran ("rss_mb").

Run: .venv/bin/python -m benchmarks.bench_scopes [--servers 500 --students 2000 --pool 300]
     [--store embedded|server|both]   (both: one process per store)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.measure import percentile, rss_mb
from benchmarks.synthetic import write_postings
from bot.config import PROJECT_ROOT, Settings
from bot.core.answers import AnswerEngine
from bot.core.chunks import chunk_posting
from bot.core.embeddings import load_embeddings
from bot.core.errors import BadPostingFile
from bot.core.index import KnowledgeIndex
from bot.core.postings import Posting, load_posting
from bot.core.scopes import Scope, Viewer

DEV = PROJECT_ROOT.parent / "shared" / "postings-dev"
SERVER_POSTINGS = (6, 14)  # a server holds between these many postings
STUDENT_POSTINGS = (1, 4)  # a student between these
QUESTIONS = [
    "what does the {title} role pay?",
    "where is the {title} role based?",
    "what are the requirements for the {title} role?",
    "which roles mention PyTorch?",
    "what will I do day to day in the {title} role?",
    "which roles pay the most?",
    "does the {title} role need a PhD?",
    "what tech stack does the {title} role use?",
]


def read_pool(folder: Path, count: int) -> list[Posting]:
    postings: dict[str, Posting] = {}
    for path in write_postings(folder, count, seed=11):
        try:
            posting = load_posting(path)
        except BadPostingFile:
            continue
        postings.setdefault(posting.role_id, posting)  # one posting per role id, as an ingest would keep
    return list(postings.values())


def library_files() -> list[Path]:
    seeds = sorted((PROJECT_ROOT / "knowledge" / "postings").iterdir())
    dev = [p for p in sorted(DEV.glob("*")) if p.suffix in (".html", ".md", ".txt")] if DEV.exists() else []
    return seeds + dev


def populate(index: KnowledgeIndex, pool: list[Posting], servers: int, students: int, rng: random.Random) -> dict:
    """Write every server's and student's postings (scoped role ids, owner metadata, pooled vectors)."""
    embeddings = index.embeddings
    started = time.perf_counter()
    chunked = {p.content_hash: chunk_posting(p, embeddings.token_count) for p in pool}
    texts = sorted({c.text for chunks in chunked.values() for c in chunks})
    vectors = dict(zip(texts, embeddings.embed_documents(texts), strict=True))
    title_vectors = dict(zip([p.content_hash for p in pool],
                             embeddings.embed_documents([f"{p.display_name} {p.company or ''}" for p in pool]),
                             strict=True))
    embedded = time.perf_counter() - started
    scopes = [Scope.server(10_000 + n) for n in range(servers)] + [Scope.user(50_000 + n) for n in range(students)]
    holdings: dict[Scope, list[Posting]] = {}
    for scope in scopes:
        low, high = SERVER_POSTINGS if scope.kind == "server" else STUDENT_POSTINGS
        holdings[scope] = rng.sample(pool, rng.randint(low, high))
    started = time.perf_counter()
    index.store.posting_vectors.put({
        version: ([c.text for c in chunks], np.asarray([vectors[c.text] for c in chunks], dtype=np.float32))
        for version, chunks in chunked.items() if chunks
    })
    role_records: list[tuple[str, Posting, list[float]]] = []
    for scope, postings in holdings.items():
        for base in postings:
            posting = dataclasses.replace(base, role_id=scope.role_id(base.role_id))
            role_records.append((scope.key, posting, title_vectors[base.content_hash]))
    by_owner: dict[str, list] = {}
    for owner, posting, vector in role_records:
        by_owner.setdefault(owner, []).append((posting, vector))
    batch: list[tuple[str, Posting, list[float]]] = []
    for owner, items in by_owner.items():
        batch.extend((owner, p, v) for p, v in items)
        if len(batch) >= 800:
            _write_roles(index, batch)
            batch = []
    _write_roles(index, batch)
    written = time.perf_counter() - started
    chunk_rows = sum(len(chunked[p.content_hash]) for postings in holdings.values() for p in postings)
    return {"holdings": holdings, "roles": len(role_records), "chunks": chunk_rows, "distinct_chunk_texts": len(texts),
            "version_records": len(chunked), "embed_s": embedded, "write_s": written}


def _write_roles(index: KnowledgeIndex, batch: list[tuple[str, Posting, list[float]]]) -> None:
    if not batch:
        return
    index.store.roles.upsert(
        ids=[p.role_id for _, p, _ in batch],
        documents=[json.dumps(p.to_dict()) for _, p, _ in batch],
        embeddings=[v for _, _, v in batch],
        metadatas=[{"sources": json.dumps([p.source]), "version": p.content_hash, "title": p.title, "owner": owner}
                   for owner, p, _ in batch],
    )


def question_for(titles: list[str], rng: random.Random) -> str:
    """A question a student could ask about one of the postings they see (titles saved by the build)."""
    return rng.choice(QUESTIONS).format(title=rng.choice(titles).split(",")[0].split("(")[0].strip())


def measure_asks(index: KnowledgeIndex, holdings: dict, count: int, rng: random.Random) -> dict:
    servers = [s for s in holdings if s.kind == "server"]
    students = [s for s in holdings if s.kind == "user"]
    cold, warm, hits = [], [], 0
    for number in range(count):
        viewer = Viewer(rng.choice(students).owner, rng.choice(servers).owner)
        view_roles = holdings[Scope.server(viewer.server_id)] + holdings[Scope.user(viewer.user_id)]
        for bucket in (cold, warm):  # the viewer's first question, then another one
            started = time.perf_counter()
            view = index.view(viewer)
            answer = AnswerEngine(view).answer(question_for(view_roles, rng))
            bucket.append((time.perf_counter() - started) * 1000)
            hits += bool(answer.citations)
            assert all(view.role(c.role_id) is not None for c in answer.citations)  # nothing from elsewhere
        if number == 0:
            cold.clear(), warm.clear()  # the very first one also loads the intent examples
    return {"ask_cold_p50_ms": statistics.median(cold), "ask_cold_p95_ms": percentile(cold, 0.95),
            "ask_warm_p50_ms": statistics.median(warm), "ask_warm_p95_ms": percentile(warm, 0.95),
            "answers_with_citations": hits / (2 * count)}


def measure_filter(index: KnowledgeIndex, holdings: dict, folder: Path, rng: random.Random, samples: int) -> dict:
    """The same searches for a viewer inside the big index and in an index holding only their roles."""
    embeddings = index.embeddings
    scoped, alone = [], []
    servers = [s for s in holdings if s.kind == "server"]
    students = [s for s in holdings if s.kind == "user"]
    for number in range(samples):
        viewer = Viewer(rng.choice(students).owner, rng.choice(servers).owner)
        view = index.view(viewer)
        small = KnowledgeIndex(folder / f"alone-{number}", "", embeddings=embeddings)
        _copy_into(index, small, view)
        queries = [f"experience with {word} for production models" for word in ("PyTorch", "Spark", "ranking")]
        for query in queries:
            embeddings.embed_query(query)  # the query vector is cached: both searches below reuse it
            view.search(query, k=8)
            started = time.perf_counter()
            view.search(query, k=8)
            scoped.append((time.perf_counter() - started) * 1000)
            small.search(query, k=8)
            started = time.perf_counter()
            small.search(query, k=8)
            alone.append((time.perf_counter() - started) * 1000)
    return {"search_scoped_p50_ms": statistics.median(scoped), "search_same_size_unscoped_p50_ms":
            statistics.median(alone)}


def _copy_into(index: KnowledgeIndex, small: KnowledgeIndex, view) -> None:
    """The viewer's roles, as library roles of their own index (vectors copied, not embedded)."""
    roles = view.roles()
    chunks = [c for p in roles for c in view.chunks_for(p.role_id)]
    by_role = {p.role_id: view.chunks_for(p.role_id) for p in roles}
    matrix = np.vstack([m for _, m in index.vectors_of_roles(by_role)])
    small.store.chunks._collection.upsert(
        ids=[c.id for c in chunks], documents=[c.text for c in chunks], embeddings=matrix.tolist(),
        metadatas=[c.metadata() | {"owner": "library"} for c in chunks])
    versions: dict[str, list] = {}
    for chunk, row in zip(chunks, matrix, strict=True):
        texts, rows = versions.setdefault(chunk.version, ([], []))
        texts.append(chunk.text), rows.append(row)
    small.store.posting_vectors.put({v: (texts, np.vstack(rows)) for v, (texts, rows) in versions.items()})
    _write_roles(small, [("library", p, [0.0] * 383 + [1.0]) for p in roles])
    small._load()


def measure_add(index: KnowledgeIndex, folder: Path) -> dict:
    """What a bot process does besides answering: a student adds a personal posting (a real ingest)."""
    path = write_postings(folder / "personal", 1, seed=97)[0]  # a posting no scope holds yet: embedded, written
    started = time.perf_counter()
    report = index.ingest([path], scope=Scope.user(99_999_999))
    return {"add_personal_posting_s": time.perf_counter() - started, "add_personal_chunks": report.chunks_written}


def build(store: str, args: argparse.Namespace, folder: Path, url: str | None) -> None:
    """Index the library, then every scope's postings; save who holds what for the measuring process."""
    rng = random.Random(5)
    pool = read_pool(folder / "pool", args.pool)
    embeddings = load_embeddings(Settings().model_path)
    index = KnowledgeIndex(folder / "data", "", chroma_url=url, embeddings=embeddings)
    index.ingest(library_files())
    built = populate(index, pool, args.servers, args.students, rng)
    holdings = {scope.key: [p.title for p in postings] for scope, postings in built["holdings"].items()}
    info = {k: v for k, v in built.items() if k != "holdings"} | {"pool": len(pool)}
    (folder / "holdings.json").write_text(json.dumps({"holdings": holdings, "info": info}))


def measure(store: str, args: argparse.Namespace, folder: Path, url: str | None) -> dict:
    """In a fresh process, like a bot process: open the index, answer, search, report RSS."""
    rng = random.Random(6)
    saved = json.loads((folder / "holdings.json").read_text())
    holdings = {Scope.parse(key): titles for key, titles in saved["holdings"].items()}
    embeddings = load_embeddings(Settings().model_path)
    index = KnowledgeIndex(folder / "data", "", chroma_url=url, embeddings=embeddings)
    result = {"store": store, "library_roles": len(index.roles())} | saved["info"] | {"rss_opened_mb": rss_mb()}
    result |= measure_asks(index, holdings, args.asks, rng)
    result["rss_after_asks_mb"] = rss_mb()
    result |= measure_add(index, folder)
    result["rss_after_add_mb"] = rss_mb()
    result |= measure_filter(index, holdings, folder / "alone", rng, args.filter_samples)
    result["rss_mb"] = rss_mb()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=500)
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--pool", type=int, default=300, help="distinct synthetic postings the scopes draw from")
    parser.add_argument("--asks", type=int, default=200, help="viewers asked (two questions each)")
    parser.add_argument("--filter-samples", type=int, default=10)
    parser.add_argument("--store", choices=("embedded", "server", "both"), default="both")
    parser.add_argument("--phase", choices=("all", "build", "measure"), default="all", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "build":
        build(args.store, args, args.folder, args.url)
        return
    if args.phase == "measure":
        result = measure(args.store, args, args.folder, args.url)
        print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}, indent=1),
              flush=True)
        return
    stores = ("embedded", "server") if args.store == "both" else (args.store,)
    for store in stores:
        with tempfile.TemporaryDirectory(prefix=f"bench-scopes-{store}-") as tmp:
            folder = Path(tmp)
            server = None
            if store == "server":
                sys.path.insert(0, str(PROJECT_ROOT))
                from tests.servers import ChromaServer

                (folder / "chroma").mkdir()
                server = ChromaServer(folder / "chroma" / "db").start(timeout=60)
            try:
                common = [f"--servers={args.servers}", f"--students={args.students}", f"--pool={args.pool}",
                          f"--asks={args.asks}", f"--filter-samples={args.filter_samples}",
                          f"--store={store}", f"--folder={folder}"]
                if server is not None:
                    common.append(f"--url={server.url}")
                for phase in ("build", "measure"):  # the measuring process opens the index like a bot does
                    started = time.perf_counter()
                    subprocess.run([sys.executable, "-m", "benchmarks.bench_scopes", *common, f"--phase={phase}"],
                                   check=True, cwd=PROJECT_ROOT)
                    print(f"{store} {phase}: {time.perf_counter() - started:.0f} s", flush=True)
            finally:
                if server is not None:
                    server.stop()


if __name__ == "__main__":
    main()
