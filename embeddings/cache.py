"""Embeddings of fixed texts, computed once per model and kept on disk.

A recommendation needs the vectors of competence descriptors and of catalogue texts; neither changes between
requests, so the hot path reads them from here and never calls the model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from embeddings.model import Embedder

logger = logging.getLogger(__name__)


def text_key(text: str) -> str:
    """A stable key for a text (sha256, hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEmbedder:
    """An :class:`Embedder` that remembers every vector it computed, in memory and in one file per model.

    Args:
        inner: the real model.
        cache_dir: where ``<model>.npz`` lives; ``None`` keeps the cache in memory only.
    """

    def __init__(self, inner: Embedder, cache_dir: Path | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in inner.name)
        self.path = cache_dir / f"{safe}.npz" if cache_dir else None
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        self._load()

    def _load(self) -> None:
        if not self.path or not self.path.exists():
            return
        try:
            with np.load(self.path, allow_pickle=False) as data:
                keys, vecs = data["keys"], data["vectors"]
            if vecs.shape[1:] != (self.dim,):
                logger.warning("embedding cache %s has another dimension; ignoring it", self.path)
                return
            self._vectors = {str(k): v for k, v in zip(keys, vecs, strict=True)}
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("embedding cache %s is unreadable (%s); starting empty", self.path, exc)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for the texts, computing only the ones not seen before."""
        keys = [text_key(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}
        if missing:
            vecs = self.inner.encode(list(missing.values()))
            self._vectors.update(zip(missing.keys(), vecs, strict=True))
            self._dirty = True
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32, copy=False)

    def __contains__(self, text: str) -> bool:
        return text_key(text) in self._vectors

    def save(self) -> None:
        """Write the cache atomically (a crash never leaves a half-written file)."""
        if not self.path or not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors.keys()))
        vecs = np.stack(list(self._vectors.values())) if self._vectors else np.zeros((0, self.dim), np.float32)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".npz.tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, keys=keys, vectors=vecs)
            os.replace(tmp, self.path)
            self._dirty = False
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise
