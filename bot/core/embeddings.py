"""The all-MiniLM-L6-v2 vectors behind every search, computed with onnxruntime + tokenizers.

The model is the bundled sentence-transformers folder, exported once to ONNX at setup
(bot/core/onnx_export.py). Running it here needs neither torch nor sentence-transformers:
importing those cost every `prepbot` process seconds and hundreds of MB. The pipeline is the
model's own (its modules.json): the transformer, mean pooling over real tokens
(1_Pooling/config.json), then L2 normalisation, with sentence_bert_config.json's max_seq_length
(256 word pieces) as the truncation. Vectors match sentence-transformers' to cosine >= 0.999
(tests/core/test_embeddings.py).

`CachedEmbeddings.as_langchain()` wraps it as a LangChain `Embeddings` for the LangChain Chroma
vector store and chains; the class itself is not one, because importing langchain_core's embeddings
pulls in its runnables and callbacks (~0.15 s of every cold `prepbot ask`) that prepbot's own search
never uses. Repeated texts are embedded once: ingest often sees the same boilerplate lines across
postings, and chat re-asks the same questions. The tokenizer loads at once (chunking counts
tokens); the ONNX session loads on the first text to embed, so commands that only read the
catalogue (`prepbot roles`) never pay for it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.core.errors import PrepbotError

if TYPE_CHECKING:
    import onnxruntime
    from langchain_core.embeddings import Embeddings
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)
MODEL_MAX_TOKENS = 256
CHUNK_MAX_TOKENS = 200  # leaves room under the model's 256 word pieces for special tokens
BATCH_TOKENS = 4096  # word pieces per ONNX run (see OnnxEncoder.encode)
THREADS = min(2, os.cpu_count() or 1)  # the machines this runs on have 2 cores, shared with the event loop
SETUP = "run `bash scripts/setup.sh` (or `python -m bot.core.onnx_export`) once to export it from the bundled weights"


class EmbeddingModelMissing(PrepbotError):
    """The ONNX export of the embedding model is not there and cannot be made in this environment."""


def _tokenizer(model_path: Path) -> Tokenizer:
    """The model's fast tokenizer, without the padding and truncation its tokenizer.json sets
    (pad every text to 128, cut at 128): we pad a batch to its longest text and cut at the
    model's max_seq_length ourselves, and counting tokens must see all of them."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def _max_seq_length(model_path: Path) -> int:
    try:
        return int(json.loads((model_path / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, ValueError, KeyError):
        return MODEL_MAX_TOKENS


def _check_pooling(model_path: Path) -> None:
    """This encoder implements mean pooling + normalisation; refuse a model configured otherwise
    rather than return vectors that silently differ from the model's own."""
    try:
        pooling = json.loads((model_path / "1_Pooling" / "config.json").read_text())
        modules = json.loads((model_path / "modules.json").read_text())
    except (OSError, ValueError):
        return  # a plain transformer folder: mean pooling is sentence-transformers' default too
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v}
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if modes != {"pooling_mode_mean_tokens"} or "Normalize" not in kinds:
        raise EmbeddingModelMissing(
            f"The embedding model at {model_path} uses {sorted(modes)} pooling with modules {kinds}; "
            "prepbot supports mean pooling with normalisation (all-MiniLM-L6-v2 and similar)."
        )


class OnnxEncoder:
    """Texts -> normalised mean-pooled vectors: tokenizers, then the ONNX transformer, then numpy."""

    def __init__(self, model_path: str | Path, onnx_file: Path | None = None) -> None:
        from bot.core.onnx_export import onnx_path

        self.model_path = Path(model_path)
        _check_pooling(self.model_path)
        self.onnx_file = onnx_file or onnx_path(self.model_path)
        self.max_tokens = _max_seq_length(self.model_path)
        self.tokenizer = _tokenizer(self.model_path)
        self.pad_id = self.tokenizer.token_to_id("[PAD]") or 0
        self._session: onnxruntime.InferenceSession | None = None
        self._lock = threading.Lock()

    @property
    def session(self) -> onnxruntime.InferenceSession:
        """The ONNX session, created on first use (about 0.2 s and 100 MB)."""
        with self._lock:
            if self._session is None:
                self._session = self._open()
            return self._session

    def _open(self) -> onnxruntime.InferenceSession:
        from bot.core import onnx_export

        if not onnx_export.is_current(self.model_path) and self.onnx_file == onnx_export.onnx_path(self.model_path):
            self._export_or_explain()
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # No arena: it would keep the peak of the largest batch ever encoded (an ingest's 64 long
        # lines: hundreds of MB of attention scores) for the life of the bot; a query is as fast without.
        options.enable_cpu_mem_arena = False
        # Idle worker threads spinning would take the CPU from the event loop and other processes.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # onnxruntime's own warnings are for developers, not users
        return onnxruntime.InferenceSession(str(self.onnx_file), options, providers=["CPUExecutionProvider"])

    def _export_or_explain(self) -> None:
        """No export yet (setup was skipped, or the model folder changed): make it now when torch,
        transformers and onnx are installed (they are wherever setup.sh ran), else say how. One slow
        start beats a bot that cannot answer; the file is renamed into place, so concurrent
        processes (shards starting together) never read half of it."""
        from importlib.util import find_spec

        from bot.core import onnx_export

        if any(find_spec(name) is None for name in ("torch", "transformers", "onnx")):
            raise EmbeddingModelMissing(f"The embedding model is not exported to ONNX yet: {SETUP}.")
        log.warning("exporting the embedding model to ONNX once (%s); setup.sh normally does this", self.onnx_file)
        try:
            onnx_export.export(self.model_path)
        except Exception as err:  # torch's exporter raises many types; the user needs the fix, not the class
            log.error("ONNX export of %s failed: %r", self.model_path, err)
            raise EmbeddingModelMissing(f"The embedding model could not be exported to ONNX ({err}): {SETUP}.") from err

    def _truncated(self, ids: list[int]) -> list[int]:
        """[CLS] text [SEP] cut to max_seq_length as the tokenizer's own truncation does: the text's
        first max_seq_length - 2 pieces, then [SEP] (the last id) again."""
        return ids if len(ids) <= self.max_tokens else ids[: self.max_tokens - 1] + ids[-1:]

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """One float32 row per text, unit length. Texts are batched by token length, as
        sentence-transformers sorts them, so a batch pads little (padding never changes a vector:
        the mask excludes it), and a batch holds at most BATCH_TOKENS word pieces: attention
        scores grow with the square of the length, and 64 texts of 256 pieces would need ~200 MB
        per layer where 16 need 50 MB, for the same speed."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        session = self.session
        rows = [self._truncated(e.ids) for e in self.tokenizer.encode_batch(texts)]
        order = sorted(range(len(rows)), key=lambda i: -len(rows[i]))
        out: np.ndarray | None = None
        start = 0
        while start < len(order):
            size = max(1, min(batch_size, BATCH_TOKENS // len(rows[order[start]])))  # the longest is first
            picked = order[start : start + size]
            vectors = self._encode_batch(session, [rows[i] for i in picked])
            if out is None:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[picked] = vectors
            start += size
        assert out is not None
        return out

    def _encode_batch(self, session: onnxruntime.InferenceSession, rows: list[list[int]]) -> np.ndarray:
        longest = max(len(row) for row in rows)
        ids = np.full((len(rows), longest), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), longest), dtype=np.int64)
        for number, row in enumerate(rows):
            ids[number, : len(row)] = row
            mask[number, : len(row)] = 1
        tokens = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        # sentence_transformers.models.Pooling (mean tokens): masked sum / count, count clamped at 1e-9
        weights = mask[:, :, None].astype(tokens.dtype)
        pooled = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        # sentence_transformers.models.Normalize: torch.nn.functional.normalize (p=2, eps=1e-12)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)


class CachedEmbeddings:
    """Normalised all-MiniLM-L6-v2 vectors with a bounded cache keyed by the exact text. It has
    LangChain's `Embeddings` methods (embed_documents, embed_query); `as_langchain()` is the same
    vectors as a real LangChain `Embeddings`."""

    def __init__(self, model_path: str, cache_size: int = 50_000, batch_size: int = 64) -> None:
        self.model_path = model_path  # which model made these vectors (keys on-disk caches of them)
        self.encoder = OnnxEncoder(model_path)
        self._batch_size = batch_size
        self._cache: OrderedDict[str, list[float]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = dict(zip(missing, self.encoder.encode(missing, self._batch_size).tolist(), strict=True))
            with self._lock:
                for text, vector in fresh.items():
                    self._remember(text, vector)
            known.update(fresh)
        return [known[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = self.encoder.encode([text])[0].tolist()
        with self._lock:
            self._remember(text, vector)
        return vector

    def as_langchain(self) -> Embeddings:
        """These vectors as a LangChain `Embeddings` (same cache, same encoder)."""
        return _langchain_class()(self)

    def token_count(self, text: str) -> int:
        """Word pieces in `text` without special tokens (what chunking budgets against)."""
        return self.encoder.count_tokens(text)

    def warm_up(self) -> None:
        """Load the ONNX session now (the bot does this in a worker thread after connecting)."""
        self.encoder.encode(["warm up"])

    def _remember(self, text: str, vector: list[float]) -> None:
        self._cache[text] = vector
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


@cache
def _langchain_class() -> type[Embeddings]:
    """The LangChain adapter class, defined on first use so that langchain_core loads only then."""
    from langchain_core.embeddings import Embeddings

    class LangChainEmbeddings(Embeddings):
        def __init__(self, inner: CachedEmbeddings) -> None:
            self.inner = inner

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self.inner.embed_documents(texts)

        def embed_query(self, text: str) -> list[float]:
            return self.inner.embed_query(text)

    return LangChainEmbeddings


@cache
def load_embeddings(model_path: str) -> CachedEmbeddings:
    """One encoder per process: its tokenizer and session are shared by every index and grader."""
    return CachedEmbeddings(model_path)
