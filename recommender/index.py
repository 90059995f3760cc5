"""Vector retrieval behind a small interface: FAISS, and a brute-force NumPy twin that is the test oracle.

Both hold unit vectors under explicit int64 ids and score by inner product (= cosine similarity).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Protocol

import faiss
import numpy as np


def int_id(offering_id: str) -> int:
    """A stable, positive int64 id for an offering id (the first 63 bits of its blake2b hash)."""
    digest = hashlib.blake2b(offering_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


class VectorIndex(Protocol):
    """Add, replace, remove and search unit vectors by int64 id."""

    dim: int

    def upsert(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...

    def remove(self, ids: np.ndarray) -> int: ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...

    def __len__(self) -> int: ...

    def reconstruct(self, ids: np.ndarray) -> np.ndarray: ...


def _as_ids(ids: np.ndarray | list[int]) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(ids, dtype=np.int64).reshape(-1))


def _as_vectors(vectors: np.ndarray, dim: int) -> np.ndarray:
    vectors = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(-1, dim))
    return vectors


class FaissIndex:
    """``IndexIDMap2`` over a flat inner-product index: exact search, removal and replacement by id."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    def upsert(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors, replacing any already stored under the same ids."""
        ids = _as_ids(ids)
        if len(ids) == 0:
            return
        self._index.remove_ids(ids)  # type: ignore[arg-type]  # faiss wraps an id array in a selector itself
        self.add(ids, vectors)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors under ids the index does not hold (no removal scan: O(new), not O(size))."""
        ids = _as_ids(ids)
        if len(ids):
            self._index.add_with_ids(_as_vectors(vectors, self.dim), ids)

    def remove(self, ids: np.ndarray) -> int:
        """Remove ids; returns how many were there."""
        ids = _as_ids(ids)
        return int(self._index.remove_ids(ids)) if len(ids) else 0  # type: ignore[arg-type]  # as in upsert

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) per query row; missing slots have id -1."""
        queries = _as_vectors(queries, self.dim)
        k = max(1, min(k, len(self))) if len(self) else 1
        if len(self) == 0:
            n = queries.shape[0]
            return np.full((n, 1), -np.inf, np.float32), np.full((n, 1), -1, np.int64)
        return self._index.search(queries, k)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids`` (all held), one row each."""
        ids = _as_ids(ids)
        if len(ids) == 0:
            return np.zeros((0, self.dim), np.float32)
        return self._index.reconstruct_batch(ids)

    def save(self, path: Path) -> None:
        """Write the index to a file."""
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> FaissIndex:
        """Read an index written by :meth:`save`."""
        raw = faiss.read_index(str(path))
        obj = cls(raw.d)
        index = faiss.downcast_index(raw) if not isinstance(raw, faiss.IndexIDMap2) else raw
        if not isinstance(index, faiss.IndexIDMap2):
            raise ValueError(f"{path} does not hold an IndexIDMap2")
        obj._index = index
        return obj


class NumpyIndex:
    """Brute-force inner product over a matrix; the oracle FAISS is checked against."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._ids = np.zeros(0, dtype=np.int64)
        self._vecs = np.zeros((0, dim), dtype=np.float32)

    def upsert(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        self.remove(ids)
        self.add(ids, vectors)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        self._ids = np.concatenate([self._ids, _as_ids(ids)])
        self._vecs = np.vstack([self._vecs, _as_vectors(vectors, self.dim)])

    def remove(self, ids: np.ndarray) -> int:
        keep = ~np.isin(self._ids, _as_ids(ids))
        removed = int((~keep).sum())
        self._ids, self._vecs = self._ids[keep], self._vecs[keep]
        return removed

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = _as_vectors(queries, self.dim)
        n = queries.shape[0]
        if len(self) == 0:
            return np.full((n, 1), -np.inf, np.float32), np.full((n, 1), -1, np.int64)
        k = max(1, min(k, len(self)))
        scores = queries @ self._vecs.T
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(scores, top, axis=1), self._ids[top]

    def __len__(self) -> int:
        return int(self._ids.shape[0])

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        order = np.argsort(self._ids, kind="stable")
        pos = order[np.searchsorted(self._ids, _as_ids(ids), sorter=order)]
        return self._vecs[pos]
