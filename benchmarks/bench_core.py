"""Core benchmark: `ask` latency against its floor, and ingest time against raw encoding.

Everything is measured in one process and one run, as ratios, because the machines are noisy:
- floor = one query embedding (SentenceTransformer.encode) + one Chroma query, per question;
- ask = the whole offline answer (role resolution, hybrid search, composing, citations);
- ingest = `KnowledgeIndex.ingest` of a folder, against raw `SentenceTransformer.encode` of the
  same chunk texts;
- reading + fields = `read_document` and `parse_document` per posting (the synthetic postings take
  the development corpus's layouts), the first posting reported apart: it builds the gazetteer,
  imports dateparser and embeds the example headings once per process.
Run: .venv/bin/python -m benchmarks.bench_core [--postings 2000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from functools import cache
from pathlib import Path

from benchmarks.measure import percentile
from benchmarks.synthetic import AREAS, METRICS, TECH, write_postings
from bot.config import PROJECT_ROOT, Settings
from bot.core.answers import AnswerEngine
from bot.core.chunks import chunk_posting
from bot.core.embeddings import CachedEmbeddings
from bot.core.errors import BadPostingFile
from bot.core.index import KnowledgeIndex
from bot.core.postings.parse import parse_document
from bot.core.postings.reading import read_document

SEED_QUESTIONS = [
    "what does the e-commerce PhD role pay?",
    "Where is the San Jose role?",
    "Which roles require a PhD?",
    "Does the e-commerce role involve diffusion models?",
    "Do interns get health insurance?",
    "What are the requirements for the research scientist role?",
    "How long is the multimodal internship?",
    "what kind of research does the multimodal team do?",
    "Which roles mention C++?",
    "Is there housing support?",
]


def synthetic_questions(index: KnowledgeIndex, count: int, rng: random.Random) -> list[tuple[str, str | None]]:
    """Distinct questions (so no cache hit) of three kinds: a field of a role, a passage in a role, any role."""
    roles = index.roles()
    questions = []
    for number in range(count):
        role = rng.choice(roles)
        kind = number % 3
        if kind == 0:
            questions.append((f"What does the {role.role_id} role pay? ({number})", None))
        elif kind == 1:
            questions.append((f"Does it involve {rng.choice(AREAS)} with {rng.choice(TECH)}? ({number})", role.role_id))
        else:
            questions.append((f"Which team improves {rng.choice(METRICS)} using {rng.choice(AREAS)}? ({number})", None))
    return questions


@cache
def reference_model():
    """sentence-transformers' own model: the floor's definition, whatever backend the index uses."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(Settings().model_path, device="cpu", local_files_only=True)


def measure_ask(index: KnowledgeIndex, questions: list[tuple[str, str | None]]) -> dict[str, float]:
    """Each question once (no cache hits); the floor uses the raw model, never our cache."""
    engine = AnswerEngine(index)
    model = reference_model()
    collection = index.store.chunks._collection
    engine.answer("warm up the caches and threads")
    floor, ask, searched = [], [], []
    for question, role in questions:
        start = time.perf_counter()
        vector = model.encode(question, normalize_embeddings=True)
        collection.query(query_embeddings=[vector.tolist()], n_results=18, include=["distances"])
        floor.append(time.perf_counter() - start)
        start = time.perf_counter()
        answer = engine.answer(question, role=role)
        ask.append(time.perf_counter() - start)
        if answer.kind in ("passage", "not-found"):
            searched.append(ask[-1])
    result = {
        "floor_p50": statistics.median(floor),
        "floor_p95": percentile(floor, 0.95),
        "ask_p50": statistics.median(ask),
        "ask_p95": percentile(ask, 0.95),
        "searching_p50": statistics.median(searched),
        "searching_p95": percentile(searched, 0.95),
    }
    result["p50_ratio"] = result["ask_p50"] / result["floor_p50"]
    result["searching_p50_ratio"] = result["searching_p50"] / result["floor_p50"]
    result["questions"] = len(ask)
    result["searching_questions"] = len(searched)
    return result


def measure_ingest(embeddings: CachedEmbeddings, folder: Path) -> dict[str, float]:
    embeddings._cache.clear()
    with tempfile.TemporaryDirectory() as data:
        index = KnowledgeIndex(Path(data), "", embeddings=embeddings)
        start = time.perf_counter()
        report = index.ingest([folder])
        ingest_seconds = time.perf_counter() - start
        texts = [c.text for role in index.roles() for c in chunk_posting(role, embeddings.token_count)]
        start = time.perf_counter()
        reference_model().encode(texts, batch_size=64, normalize_embeddings=True)
        encode_seconds = time.perf_counter() - start
    return {
        "roles": len(index.roles()),
        "chunks": len(texts),
        "unique_chunk_share": len(set(texts)) / len(texts),
        "failed": len(report.failed),
        "ingest_s": ingest_seconds,
        "raw_encode_s": encode_seconds,
        "ingest_ratio": ingest_seconds / encode_seconds,
    }


def measure_reading(folder: Path) -> dict[str, float]:
    """Reading and field extraction per posting, apart from the one-time set-up of the first one."""
    paths = sorted(folder.iterdir())
    start = time.perf_counter()
    parse_document(read_document(paths[0]))
    first = time.perf_counter() - start
    read, parse, failed = [], [], 0
    for path in paths[1:]:
        start = time.perf_counter()
        document = read_document(path)
        middle = time.perf_counter()
        try:
            parse_document(document)
        except BadPostingFile:
            failed += 1
        read.append(middle - start)
        parse.append(time.perf_counter() - middle)
    total = [a + b for a, b in zip(read, parse, strict=True)]
    return {
        "first_posting_s": first,
        "read_p50": statistics.median(read),
        "fields_p50": statistics.median(parse),
        "fields_p95": percentile(parse, 0.95),
        "total_p50": statistics.median(total),
        "total_p95": percentile(total, 0.95),
        "not_postings": failed,
    }


def report(label: str, values: dict[str, float]) -> None:
    shown = ", ".join(
        f"{k}={v * 1000:.1f}ms" if k.endswith(("p50", "p95")) else f"{k}={v:.3g}" for k, v in values.items()
    )
    print(f"{label}: {shown}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postings", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=150)
    parser.add_argument("--reading-only", action="store_true", help="only time reading + field extraction")
    args = parser.parse_args()
    if args.reading_only:
        with tempfile.TemporaryDirectory() as folder:
            write_postings(Path(folder), args.postings)
            report(f"reading+fields {args.postings} synthetic", measure_reading(Path(folder)))
        return
    embeddings = CachedEmbeddings(Settings().model_path)
    reference_model().encode(["warm up"] * 64, batch_size=64)
    embeddings.encoder.encode(["warm up"] * 64)
    seeds = PROJECT_ROOT / "knowledge" / "postings"
    report("ingest seeds", measure_ingest(embeddings, seeds))
    with tempfile.TemporaryDirectory() as data:
        index = KnowledgeIndex(Path(data), "", embeddings=embeddings)
        index.ingest([seeds])
        distinct = [(f"{q} ({n})", None) for n in range(3) for q in SEED_QUESTIONS]
        report("ask seeds", measure_ask(index, distinct))
    with tempfile.TemporaryDirectory() as folder:
        write_postings(Path(folder), args.postings)
        report(f"reading+fields {args.postings} synthetic", measure_reading(Path(folder)))
        report(f"ingest {args.postings} synthetic", measure_ingest(embeddings, Path(folder)))
        with tempfile.TemporaryDirectory() as data:
            index = KnowledgeIndex(Path(data), "", embeddings=embeddings)
            index.ingest([Path(folder)])
            questions = synthetic_questions(index, args.questions, random.Random(3))
            report(f"ask {args.postings} synthetic", measure_ask(index, questions))


if __name__ == "__main__":
    main()
