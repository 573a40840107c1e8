"""Index: ingest, dedupe, re-ingest and hybrid search against a real Chroma on disk."""

from __future__ import annotations

from pathlib import Path

from bot.core.index import KnowledgeIndex
from bot.core.store import CHUNKS


def test_five_seed_files_make_four_roles(seeded_index: KnowledgeIndex) -> None:
    """The truncated copy (004) merges into the posting it was cut from (001)."""
    roles = seeded_index.roles()
    assert len(roles) == 4
    ecommerce = seeded_index.role("tiktok-ml-scientist-intern-global-e-commerce-content-recommendation-phd")
    sources = {Path(s).name for s in seeded_index.sources(ecommerce.role_id)}
    assert sources == {"001_9b103531e07b7d0e.txt", "004_6b16931d2cac887a.txt"}


def test_ingest_is_idempotent(fresh_index: KnowledgeIndex, postings_copy: Path) -> None:
    """A second ingest of the same files changes nothing and writes no vectors."""
    first = fresh_index.ingest([postings_copy])
    count = fresh_index.store.chunks._collection.count()
    second = fresh_index.ingest([postings_copy])
    assert (first.count("added"), first.count("merged")) == (4, 1)
    assert (second.count("unchanged"), second.count("merged"), second.chunks_written) == (4, 1, 0)
    assert fresh_index.store.chunks._collection.count() == count


def test_changed_file_replaces_its_chunks(fresh_index: KnowledgeIndex, postings_copy: Path) -> None:
    """Re-ingesting an edited posting leaves only the new version's vectors: no stale or duplicate ones."""
    fresh_index.ingest([postings_copy])
    path = postings_copy / "002_620cffb6dc942430.txt"
    path.write_text(path.read_text().replace("$60 hourly", "$62 hourly") + "\n• Bonus: Experience with JAX.\n")
    report = fresh_index.ingest([path])
    role_id = "tiktok-research-scientist-intern-recommendation-phd"
    assert report.count("updated") == 1
    stored = fresh_index.store.chunks._collection.get(where={"role_id": role_id}, include=["documents", "metadatas"])
    versions = {meta["version"] for meta in stored["metadatas"]}
    assert versions == {fresh_index.role(role_id).content_hash}
    assert "Pay: $62 hourly" in stored["documents"] and "Pay: $60 hourly" not in stored["documents"]
    assert len(stored["documents"]) == len(set(stored["ids"]))
    assert fresh_index.role(role_id).pay.minimum == 62


def test_same_posting_saved_twice_is_one_role(fresh_index: KnowledgeIndex, postings_copy: Path, tmp_path: Path) -> None:
    """An exact copy under another name merges into the original role."""
    copy = tmp_path / "copy_of_000.txt"
    copy.write_text((postings_copy / "000_06e791ab298bce6d.txt").read_text())
    report = fresh_index.ingest([postings_copy, copy])
    assert len(fresh_index.roles()) == 4
    assert any(o.path == str(copy) and o.status == "merged" for o in report.outcomes)


def test_bad_files_reported_others_indexed(fresh_index: KnowledgeIndex, postings_copy: Path) -> None:
    """A bad file gets a reason while the good files in the same run are still indexed."""
    (postings_copy / "broken.html").write_bytes(b"\xff\xfe\x00\x00")
    (postings_copy / "resume.docx").write_bytes(b"PK\x03\x04")
    report = fresh_index.ingest([postings_copy, postings_copy / "missing.txt"])
    reasons = {Path(o.path).name: o.reason for o in report.failed}
    assert set(reasons) == {"broken.html", "resume.docx", "missing.txt"}
    assert "binary" in reasons["broken.html"] and "DOCX file cannot be read" in reasons["resume.docx"]
    assert len(fresh_index.roles()) == 4


def test_collection_is_cosine_with_our_embeddings(seeded_index: KnowledgeIndex) -> None:
    """Chroma stores 384-d all-MiniLM vectors in a cosine-space collection."""
    collection = seeded_index.store.chunks._collection
    assert collection.name == CHUNKS
    assert (collection.metadata or {}).get("hnsw:space") == "cosine"
    stored = collection.get(limit=1, include=["embeddings"])
    assert len(stored["embeddings"][0]) == 384


def test_chunks_fit_the_model_window(seeded_index: KnowledgeIndex) -> None:
    """Every chunk is under the 256-word-piece limit and carries its role and section."""
    for role in seeded_index.roles():
        for chunk in seeded_index.chunks_for(role.role_id):
            assert seeded_index.embeddings.token_count(chunk.text) <= 200
            assert chunk.section and chunk.role_id == role.role_id


def test_hybrid_search_filters_by_role(seeded_index: KnowledgeIndex) -> None:
    """Search finds the line about diffusion models, and a role filter keeps other roles out."""
    hits = seeded_index.search("diffusion models for recommendation")
    assert "Diffusion Models" in hits[0].chunk.text
    only = seeded_index.search("PyTorch", role_ids=["tiktok-research-scientist-intern-recommendation-phd"])
    assert only and {h.chunk.role_id for h in only} == {"tiktok-research-scientist-intern-recommendation-phd"}


def test_index_survives_reopen(seeded_index: KnowledgeIndex) -> None:
    """A new process (a new KnowledgeIndex on the same folder) sees the same roles."""
    path = Path(seeded_index.store.chunks._client.get_settings().persist_directory).parent
    reopened = KnowledgeIndex(path, "", embeddings=seeded_index.embeddings)
    assert [r.role_id for r in reopened.roles()] == [r.role_id for r in seeded_index.roles()]


def test_role_resolution_from_free_text(seeded_index: KnowledgeIndex) -> None:
    """Free-text role names resolve; a vague or unknown one does not pick a role at random."""
    resolve = seeded_index.resolver.resolve
    assert [r.role_id for r in resolve("the research scientist one").roles] == [
        "tiktok-research-scientist-intern-recommendation-phd"
    ]
    assert resolve("e-commerce").roles[0].role_id.startswith("tiktok-ml-scientist-intern-global-e-commerce")
    assert resolve("the San Jose role").roles[0].location.startswith("San Jose")
    assert len(resolve("the PhD one").roles) == 2
    assert resolve("the data engineer role").unknown
    assert resolve("what frameworks are needed?").roles == []
