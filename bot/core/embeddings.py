"""The sentence-transformers model behind every vector, loaded once per process from disk.

Wrapped as a LangChain `Embeddings` (langchain-huggingface) so the Chroma vector store and the
optional LLM chain share it. Repeated texts are embedded once: ingest often sees the same
boilerplate lines across postings, and chat re-asks the same questions.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from functools import cache

from langchain_core.embeddings import Embeddings

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub: the model is on disk
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MODEL_MAX_TOKENS = 256
CHUNK_MAX_TOKENS = 200  # leaves room under the model's 256 word pieces for special tokens


class CachedEmbeddings(Embeddings):
    """Normalised all-MiniLM-L6-v2 vectors with a bounded cache keyed by the exact text."""

    def __init__(self, model_path: str, cache_size: int = 50_000, batch_size: int = 64) -> None:
        from langchain_huggingface import HuggingFaceEmbeddings
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars on every start are noise

        self._hf = HuggingFaceEmbeddings(
            model_name=model_path,
            model_kwargs={"device": "cpu", "local_files_only": True},
            encode_kwargs={"normalize_embeddings": True, "batch_size": batch_size},
        )
        self.model = self._hf._client
        self._cache: OrderedDict[str, list[float]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = self._hf.embed_documents(missing)
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._remember(text, vector)
        with self._lock:
            return [self._cache[t] if t in self._cache else self._hf.embed_query(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = self._hf.embed_query(text)
        with self._lock:
            self._remember(text, vector)
        return vector

    def token_count(self, text: str) -> int:
        return len(self.model.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _remember(self, text: str, vector: list[float]) -> None:
        self._cache[text] = vector
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


@cache
def load_embeddings(model_path: str) -> CachedEmbeddings:
    """One model per process: loading takes seconds, encoding a query takes milliseconds."""
    return CachedEmbeddings(model_path)
