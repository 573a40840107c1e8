"""The onnxruntime encoder gives sentence-transformers' vectors, and no run-time path imports torch."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.core.embeddings import CachedEmbeddings, EmbeddingModelMissing, OnnxEncoder
from bot.core.index import KnowledgeIndex

# Float32 arithmetic in a different order (onnxruntime's kernels vs torch's) moves a unit vector
# by ~1e-7 in cosine; 0.999 is the bar for "the same vectors" (neighbours keep their order).
SAME_VECTOR = 0.999


@pytest.fixture(scope="module")
def reference():
    """sentence-transformers itself, as the pipeline to match (tests only: never imported at run time)."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(Settings().model_path, device="cpu", local_files_only=True)


def seed_texts(index: KnowledgeIndex) -> list[str]:
    texts = [c.text for role in index.roles() for c in index.chunks_for(role.role_id)]
    assert len(texts) > 50
    return texts


def test_vectors_match_sentence_transformers_on_the_seed_chunks(seeded_index, embeddings, reference):
    texts = seed_texts(seeded_index)
    texts += [" ".join(texts), "a", "C++ / PyTorch, 3+ yrs (PhD pref.)"]  # past 256 word pieces: truncated alike
    ours = np.asarray(embeddings.encoder.encode(texts))
    theirs = reference.encode(texts, normalize_embeddings=True, batch_size=64)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= SAME_VECTOR, texts[int(cosines.argmin())]
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_a_batch_gives_each_text_its_own_vector(embeddings):
    """Padding a short text to a long one's length must not move it (the mask excludes padding)."""
    texts = ["PhD in machine learning", "Build ranking models for e-commerce search with PyTorch and Spark " * 8]
    batched = embeddings.encoder.encode(texts)
    alone = np.vstack([embeddings.encoder.encode([t]) for t in texts])
    assert ((batched * alone).sum(axis=1) >= 1 - 1e-5).all()


def test_token_counts_match_the_models_tokenizer(seeded_index, embeddings, reference):
    """Chunking budgets with these counts, and chunk ids depend on the chunks: counts must not drift."""
    for text in seed_texts(seeded_index)[:40] + ["naïve Bayes, k-NN & XGBoost"]:
        expected = len(reference.tokenizer(text, add_special_tokens=False)["input_ids"])
        assert embeddings.token_count(text) == expected, text


def test_long_texts_are_cut_where_sentence_transformers_cuts_them(seeded_index, embeddings, reference):
    """Past max_seq_length (256) the model sees the same word pieces: [CLS], the first 254, [SEP]."""
    long = " ".join(seed_texts(seeded_index))
    expected = reference.tokenize([long])["input_ids"][0].tolist()
    ours = embeddings.encoder._truncated(embeddings.encoder.tokenizer.encode(long).ids)
    assert len(expected) == 256 and ours == expected


def test_cache_returns_the_same_vector_and_keeps_order(embeddings):
    texts = ["the same line", "another line", "the same line"]
    first = embeddings.embed_documents(texts)
    assert first[0] == first[2] and first[0] != first[1]
    assert embeddings.embed_query("another line") == first[1]


def test_a_missing_export_without_torch_says_to_run_setup(tmp_path, monkeypatch):
    """No ONNX file and no torch to make one: a one-line error naming the setup step."""
    model = tmp_path / "model"
    shutil.copytree(Settings().model_path, model, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: None if name == "torch" else object())
    encoder = CachedEmbeddings(str(model))
    with pytest.raises(EmbeddingModelMissing, match="scripts/setup.sh"):
        encoder.embed_query("anything")


def test_a_model_with_other_pooling_is_refused(tmp_path):
    model = tmp_path / "model"
    shutil.copytree(Settings().model_path, model, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    config = model / "1_Pooling" / "config.json"
    config.write_text(config.read_text().replace('"pooling_mode_cls_token": false', '"pooling_mode_cls_token": true'))
    with pytest.raises(EmbeddingModelMissing, match="pooling"):
        OnnxEncoder(model)


@pytest.mark.parametrize("command", [["roles"], ["ask", "Does the e-commerce role involve diffusion models?"], ["--help"]])
def test_commands_never_import_torch(command, seeded_index, tmp_path):
    """`prepbot roles`, `ask` and `--help` run without torch, sentence-transformers or
    langchain-huggingface (each costs seconds and hundreds of MB), nor langchain-core or wordfreq
    (a few hundred ms of every cold start); `roles` not even onnxruntime."""
    data = tmp_path / "data"
    shutil.copytree(Path(seeded_index.store.where).parent, data)
    probe = (
        "import sys, runpy; sys.argv = ['prepbot', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'langchain_huggingface', 'transformers', "
        "'onnxruntime', 'langchain_core', 'wordfreq') if m in sys.modules]\n"
        "print('HEAVY', ' '.join(heavy))\n"
    )
    env = {"PREPBOT_DATA_DIR": str(data), "PATH": "/usr/bin:/bin", "LLM_PROVIDER": "", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", probe, *command], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    heavy = done.stdout.rsplit("HEAVY", 1)[1].split()
    allowed = {"onnxruntime"} if command[0] == "ask" else set()
    assert set(heavy) <= allowed, (heavy, done.stderr[-500:])
    if command[0] == "ask":
        assert "onnxruntime" in heavy  # the probe can see a loaded backend, so the check above can fail



def test_the_langchain_wrapper_gives_the_same_vectors(embeddings):
    """The LangChain path (vector store, chains) gets a real `Embeddings` over the same encoder and cache."""
    from langchain_core.embeddings import Embeddings

    wrapped = embeddings.as_langchain()
    assert isinstance(wrapped, Embeddings)
    assert wrapped.embed_query("feature stores") == embeddings.embed_query("feature stores")
    assert wrapped.embed_documents(["a", "b"]) == embeddings.embed_documents(["a", "b"])
