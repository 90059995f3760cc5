"""Saving a :class:`Catalog` to a directory and loading it back without re-embedding anything.

A snapshot directory holds ``index.faiss`` (the FAISS index), ``vectors.npy`` (one row per offering, in the
order of ``offerings.jsonl``) and ``meta.json`` (format, catalogue version, dimension, embedding model and a
sha256 of each file). It is written to a temporary directory beside the target and renamed into place, so a
crash never leaves a half-written snapshot under the real name. Loading checks everything and raises
:class:`SnapshotError` on any mismatch, so the caller can rebuild from the topic instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from pydantic import ValidationError

from recommender.catalog import Catalog
from recommender.index import FaissIndex, int_id
from schemas.errors import UpskillError
from schemas.offering import Offering

logger = logging.getLogger(__name__)

FORMAT = 1
FILES = ("index.faiss", "vectors.npy", "offerings.jsonl")


class SnapshotError(UpskillError, RuntimeError):
    """A snapshot that is missing, corrupt or made for another model; rebuild the catalogue instead."""


class _NoIndex:
    """Stands in for the index while a loaded catalogue is filled (the saved FAISS index replaces it)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def upsert(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        return None

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        return None

    def remove(self, ids: np.ndarray) -> int:
        return 0

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __len__(self) -> int:
        return 0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_files(catalog: Catalog, tmp: Path, model: str | None) -> None:
    ids = list(catalog.offerings)
    vectors = catalog.matrix(ids)
    index = catalog.index if isinstance(catalog.index, FaissIndex) else FaissIndex(catalog.dim)
    if index is not catalog.index:
        index.upsert(np.array([int_id(i) for i in ids], dtype=np.int64), vectors)
    index.save(tmp / "index.faiss")
    np.save(tmp / "vectors.npy", vectors, allow_pickle=False)
    with (tmp / "offerings.jsonl").open("w", encoding="utf-8") as fh:
        for oid in ids:
            fh.write(catalog.offerings[oid].model_dump_json() + "\n")
    meta = {
        "format": FORMAT, "version": catalog.version, "dim": catalog.dim, "count": len(ids), "model": model,
        "sha256": {name: _sha256(tmp / name) for name in FILES},
    }
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def save_snapshot(catalog: Catalog, directory: Path, model: str | None = None) -> Path:
    """Write the catalogue to ``directory`` atomically (temp dir, then rename); returns the directory.

    Args:
        catalog: what to save.
        directory: the snapshot's directory (replaced if it exists).
        model: the embedding model's name, checked on load.
    """
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp = directory.parent / f".{directory.name}.tmp-{tag}"
    old = directory.parent / f".{directory.name}.old-{tag}"
    tmp.mkdir()
    try:
        _write_files(catalog, tmp, model)
        if directory.exists():
            directory.rename(old)
        tmp.rename(directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not directory.exists():
            old.rename(directory)
        raise
    shutil.rmtree(old, ignore_errors=True)
    logger.info("snapshot of %d offerings (version %s) written to %s", len(catalog), catalog.version,
                directory)
    return directory


def _read_meta(directory: Path, model: str | None) -> dict[str, Any]:
    try:
        meta: dict[str, Any] = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotError(f"no snapshot in {directory}") from None
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"snapshot {directory}: meta.json is unreadable ({exc})") from exc
    if meta.get("format") != FORMAT:
        raise SnapshotError(f"snapshot {directory}: format {meta.get('format')!r}, expected {FORMAT}")
    if model is not None and meta.get("model") not in (None, model):
        raise SnapshotError(f"snapshot {directory} was made with model {meta['model']!r}, not {model!r}")
    for name in FILES:
        path = directory / name
        if not path.exists():
            raise SnapshotError(f"snapshot {directory}: {name} is missing")
        if _sha256(path) != meta.get("sha256", {}).get(name):
            raise SnapshotError(f"snapshot {directory}: {name} is corrupt (checksum mismatch)")
    return meta


def _fill(catalog: Catalog, lines: Iterable[str], vectors: np.ndarray, chunk: int = 2048) -> int:
    """Add the offerings of ``lines`` (row i of ``vectors`` for the i-th) a chunk at a time; returns the count.

    Never the whole file at once: the catalogue shares what offerings repeat as it takes them, so a large
    snapshot's transient copies stay small.
    """
    count, batch = 0, []
    for line in lines:
        if line.strip():
            batch.append(Offering.model_validate_json(line))
        if len(batch) == chunk:
            catalog.upsert(batch, vectors[count:count + len(batch)])
            count, batch = count + len(batch), []
    if batch:
        catalog.upsert(batch, vectors[count:count + len(batch)])
        count += len(batch)
    return count


def load_snapshot(directory: Path, model: str | None = None) -> Catalog:
    """The catalogue saved in ``directory``, with its FAISS index and vectors (nothing is re-embedded).

    Raises:
        SnapshotError: missing, corrupt, inconsistent or made with another model than ``model``.
    """
    directory = Path(directory)
    meta = _read_meta(directory, model)
    dim = int(meta["dim"])
    catalog = Catalog(dim, index=_NoIndex(dim))
    try:
        vectors = np.load(directory / "vectors.npy", allow_pickle=False, mmap_mode="r")  # read as used
        with (directory / "offerings.jsonl").open(encoding="utf-8") as fh:
            count = _fill(catalog, fh, vectors)
        index = FaissIndex.load(directory / "index.faiss")
    except (OSError, ValueError, RuntimeError, ValidationError) as exc:
        raise SnapshotError(f"snapshot {directory} cannot be read ({exc})") from exc
    if vectors.shape != (count, dim) or count != meta["count"] or index.dim != dim:
        raise SnapshotError(f"snapshot {directory}: offerings, vectors and index do not agree")
    catalog.index = index
    held = set(faiss.vector_to_array(index._index.id_map).tolist())
    if held != set(catalog.by_int) or catalog.version != meta["version"]:
        raise SnapshotError(f"snapshot {directory}: index or version does not match its offerings")
    logger.info("snapshot of %d offerings (version %s) loaded from %s", len(catalog), catalog.version,
                directory)
    return catalog
